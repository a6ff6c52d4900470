from django.urls import URLPattern, URLResolver, path

from lantoa.activities import views

app_name = "activities"
# Fixed words come before "<code>/" so that they are never read as a unit code.
urlpatterns: list[URLPattern | URLResolver] = [
    path("ban-ghi/<int:pk>/sua/", views.activity_edit, name="edit"),
    path("ban-ghi/<int:pk>/xoa/", views.activity_delete, name="delete"),
    path("<str:code>/", views.unit_activities, name="unit"),
    path("<str:code>/them/", views.activity_add, name="add"),
]
