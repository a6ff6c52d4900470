app_name = "contests_public"
urlpatterns = []
