from django.urls import path

from lantoa.channels import views

app_name = "channels"
urlpatterns = [
    path("chi-tiet/<int:pk>/", views.channel_detail, name="detail"),
    path("chi-tiet/<int:pk>/sua/", views.channel_edit, name="edit"),
    path("chi-tiet/<int:pk>/xoa/", views.channel_delete, name="delete"),
    path("chi-tiet/<int:pk>/so-lieu/", views.channel_record_audience, name="record_audience"),
    path("<str:code>/", views.unit_channels, name="unit"),
    path("<str:code>/them/", views.channel_create, name="create"),
    path("<str:code>/do-phu/", views.coverage, name="coverage"),
    path("<str:code>/do-phu/csv/", views.coverage_gaps_csv, name="coverage_csv"),
]
