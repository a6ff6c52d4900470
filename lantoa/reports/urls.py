from django.urls import URLPattern, URLResolver, path

from lantoa.reports import dashboard_views, period_views, views

app_name = "reports"
# Fixed words come before "<code>/" so that they are never read as a unit code.
urlpatterns: list[URLPattern | URLResolver] = [
    path("lan/<int:pk>/", views.job_detail, name="job"),
    path("lan/<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("lan/<int:pk>/tai-ve/", views.job_download, name="download"),
    path("<str:code>/", views.unit_reports, name="unit"),
    path("<str:code>/tong-quan/", dashboard_views.unit_dashboard, name="dashboard"),
    path("<str:code>/ky/", period_views.unit_periods_view, name="periods"),
    path("<str:code>/ky/<str:period>/", period_views.period_detail, name="period"),
    path("<str:code>/ky/<str:period>/gui/", period_views.period_submit, name="period_submit"),
    path("<str:code>/ky/<str:period>/duyet/", period_views.period_approve, name="period_approve"),
    path("<str:code>/ky/<str:period>/tra-lai/", period_views.period_return, name="period_return"),
]
