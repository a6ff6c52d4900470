from django.contrib.auth import views as auth_views
from django.urls import path

from lantoa.access import LOGIN_FLOW, policy

# Temporary wiring; replaced by lantoa.accounts.views (throttled login, TOTP).
app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", policy(LOGIN_FLOW)(auth_views.LoginView.as_view()), name="login"),
    path("dang-xuat/", policy(LOGIN_FLOW)(auth_views.LogoutView.as_view()), name="logout"),
    path("xac-thuc/", policy(LOGIN_FLOW)(auth_views.LoginView.as_view()), name="otp"),
]
