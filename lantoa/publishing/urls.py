from django.urls import URLPattern, path

from lantoa.publishing import views

app_name = "publishing"
urlpatterns: list[URLPattern] = [
    path("noi-dung/<int:pk>/", views.item_publications, name="item"),
    path("noi-dung/<int:pk>/dang-ngay/", views.item_site_now, name="site_now"),
    path("noi-dung/<int:pk>/hen-gio/", views.item_site_schedule, name="site_schedule"),
    path("noi-dung/<int:pk>/huy-hen-gio/", views.item_unschedule, name="unschedule"),
    path("luot-dang/<int:pk>/thu-lai/", views.publication_retry, name="retry"),
    path("luot-dang/<int:pk>/huy/", views.publication_cancel, name="cancel"),
    path("luot-dang/<int:pk>/ghi-nhan/", views.publication_record, name="record"),
    path("luot-dang/<int:pk>/minh-chung/", views.proof_photo, name="proof"),
    path("xem-truoc/<str:code>/", views.compose_preview, name="compose_preview"),
    path("<str:code>/", views.unit_publications, name="unit"),
]
