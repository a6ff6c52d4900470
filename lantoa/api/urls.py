from django.urls import URLPattern, path

from lantoa.access import PUBLIC, policy
from lantoa.api.main import api

_patterns, _app, _namespace = api.urls
# ninja's root view only answers 404 ("docs are at …"); it carries a policy like every route.
for _index, _pattern in enumerate(_patterns):
    if isinstance(_pattern, URLPattern) and _pattern.name == "api-root":
        _patterns[_index] = path("", policy(PUBLIC)(_pattern.callback), name="api-root")

urlpatterns = [path("", (_patterns, _app, _namespace))]
