from django.urls import path

from lantoa.api import views

app_name = "apitokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:token_id>/thu-hoi/", views.token_revoke, name="revoke"),
]
