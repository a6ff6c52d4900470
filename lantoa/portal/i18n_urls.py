from django.urls import path
from django.views.i18n import set_language

from lantoa.access import PUBLIC, policy

urlpatterns = [path("setlang/", policy(PUBLIC)(set_language), name="set_language")]
