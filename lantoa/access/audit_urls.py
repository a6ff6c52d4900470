from django.urls import path

from lantoa.access import audit_views as views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
]
