from django.urls import path

from lantoa.portal import views

# The namespace stays "core" ({% url 'core:home' %}): the pages moved here from lantoa.core.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon.
    path("favicon.ico", views.favicon, name="favicon"),
]
