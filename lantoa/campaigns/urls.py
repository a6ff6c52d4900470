from django.urls import URLPattern, URLResolver, path

from lantoa.campaigns import views

app_name = "campaigns"
urlpatterns: list[URLPattern | URLResolver] = [
    path("chi-tiet/<int:pk>/", views.campaign_detail, name="detail"),
    path("chi-tiet/<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("chi-tiet/<int:pk>/xoa/", views.campaign_delete, name="delete"),
    path("<str:code>/", views.unit_campaigns, name="unit"),
    path("<str:code>/them/", views.campaign_create, name="create"),
    path("<str:code>/lich/", views.calendar_current, name="calendar_current"),
    path("<str:code>/lich/<int:year>/", views.calendar_year, name="calendar"),
    path("<str:code>/dip/", views.moments, name="moments"),
    path("<str:code>/dip/them/", views.moment_edit, name="moment_create"),
    path("<str:code>/dip/<slug:key>/sua/", views.moment_edit, name="moment_edit"),
    path("<str:code>/dip/<slug:key>/an/", views.moment_hide, name="moment_hide"),
    path("<str:code>/dip/<slug:key>/mac-dinh/", views.moment_reset, name="moment_reset"),
]
