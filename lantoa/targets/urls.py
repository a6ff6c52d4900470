from django.urls import URLPattern, URLResolver, path

from lantoa.targets import views

app_name = "targets"
# Fixed words come before "<code>/" so that they are never read as a unit code.
urlpatterns: list[URLPattern | URLResolver] = [
    path("quy-tac/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<str:code>/", views.unit_targets, name="unit"),
    path("<str:code>/quy-tac/", views.unit_rules, name="rules"),
    path("<str:code>/giao/", views.unit_assign, name="assign"),
]
