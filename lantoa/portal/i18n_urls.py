from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from lantoa.access import PUBLIC, policy

# The switch sits on the public pages too, which are cached and shared between visitors and
# so carry no CSRF token. Choosing a language changes nothing but the reader's own display
# (a cookie), and ``next`` is checked against the site's hosts, so the form goes without one.
urlpatterns = [
    path("setlang/", policy(PUBLIC)(csrf_exempt(set_language)), name="set_language"),
]
