from django.urls import path

from lantoa.portal import unit_import_views as views_import

app_name = "unitimport"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("mau.xlsx", views_import.template_file, name="template"),
    path("lan/<int:pk>/", views_import.job_detail, name="job"),
    path("lan/<int:pk>/tien-do/", views_import.job_progress, name="progress"),
    path("lan/<int:pk>/tep/", views_import.job_file, name="file"),
    path("xuat/<str:code>/", views_import.export, name="export"),
]
