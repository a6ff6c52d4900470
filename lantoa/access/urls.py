from django.urls import path

from lantoa.access import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("xac-thuc/", views.otp_view, name="otp"),
    path("can-bo/", views.officer_list, name="officer_list"),
    path("can-bo/them/", views.officer_create, name="officer_create"),
    path("can-bo/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("can-bo/<int:pk>/vai-tro/", views.membership_add, name="membership_add"),
    path(
        "can-bo/<int:pk>/vai-tro/<int:membership_pk>/go/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("can-bo/<int:pk>/ngung/", views.officer_deactivate, name="officer_deactivate"),
    path(
        "can-bo/<int:pk>/dat-lai-mat-khau/",
        views.officer_reset_password,
        name="officer_reset_password",
    ),
    path(
        "can-bo/<int:pk>/dat-lai-xac-thuc/",
        views.officer_reset_two_factor,
        name="officer_reset_two_factor",
    ),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("bao-mat/", views.security, name="security"),
    path("bao-mat/phien/<int:pk>/dang-xuat/", views.security_session_end, name="session_end"),
    path(
        "bao-mat/phien/dang-xuat-phien-khac/",
        views.security_sessions_end_others,
        name="sessions_end_others",
    ),
    path("bao-mat/khoa-api/<int:pk>/thu-hoi/", views.security_token_revoke, name="token_revoke"),
    path(
        "bao-mat/khoa-api/thu-hoi-tat-ca/",
        views.security_tokens_revoke_all,
        name="tokens_revoke_all",
    ),
]
