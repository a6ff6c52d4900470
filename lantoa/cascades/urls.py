from django.urls import URLPattern, URLResolver, path

from lantoa.cascades import views

app_name = "cascades"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("chi-tiet/<int:pk>/", views.cascade_detail, name="detail"),
    path("chi-tiet/<int:pk>/sua/", views.cascade_edit, name="edit"),
    path("chi-tiet/<int:pk>/gui/", views.cascade_send, name="send"),
    path("chi-tiet/<int:pk>/ket-thuc/", views.cascade_close, name="close"),
    path("chi-tiet/<int:pk>/xoa/", views.cascade_delete, name="delete"),
    path("chi-tiet/<int:pk>/nhac/", views.cascade_remind, name="remind"),
    path("chi-tiet/<int:pk>/xuat/", views.cascade_export, name="export"),
    path("tep/<int:pk>/", views.attachment_file, name="attachment"),
    path("minh-chung/<int:pk>/", views.proof_file, name="proof"),
    path("<str:code>/", views.unit_sent, name="unit"),
    path("<str:code>/tao-moi/", views.cascade_new, name="new"),
    path("<str:code>/nhan/", views.unit_inbox, name="inbox"),
    path("<str:code>/nhan/<int:pk>/", views.receive, name="receive"),
]
