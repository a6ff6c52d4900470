from django.urls import path

from lantoa.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc/", views.notification_read, name="read"),
]
