from django.urls import path

from lantoa.api.main import api

urlpatterns = [path("", api.urls)]
