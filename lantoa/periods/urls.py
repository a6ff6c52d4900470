from django.urls import URLPattern, URLResolver, path

from lantoa.periods import views

# Mounted under "bao-cao/" next to lantoa.reports.urls: the addresses and names are those the
# screens had when they lived in lantoa.reports ("reports:period" is now "periods:period").
app_name = "periods"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/ky/", views.unit_periods_view, name="periods"),
    path("<str:code>/ky/<str:period>/", views.period_detail, name="period"),
    path("<str:code>/ky/<str:period>/gui/", views.period_submit, name="period_submit"),
    path("<str:code>/ky/<str:period>/duyet/", views.period_approve, name="period_approve"),
    path("<str:code>/ky/<str:period>/tra-lai/", views.period_return, name="period_return"),
]
