from django.urls import URLPattern, URLResolver, path

from lantoa.reports import dashboard_views, views

app_name = "reports"
# Fixed words come before "<code>/" so that they are never read as a unit code.
urlpatterns: list[URLPattern | URLResolver] = [
    path("lan/<int:pk>/", views.job_detail, name="job"),
    path("lan/<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("lan/<int:pk>/tai-ve/", views.job_download, name="download"),
    path("<str:code>/", views.unit_reports, name="unit"),
    path("<str:code>/tong-quan/", dashboard_views.unit_dashboard, name="dashboard"),
]
