"""The public inquiry desk, mounted at /cau-hoi/ (no login, except the officers' poster).

The form pre-set to a unit names its parameter ``unit_code``, not ``code``: it is public for
every unit, unlike the officers' unit-scoped routes that hide other provinces.
"""

from django.urls import URLPattern, URLResolver, path

from lantoa.inquiries import public_views as views

app_name = "inquiries_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inquiry_form, name="form"),
    path("don-vi/<str:unit_code>/", views.unit_form, name="unit_form"),
    path("don-vi/<str:code>/poster.pdf", views.poster, name="poster"),
    path("da-gui/", views.sent, name="sent"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/tin-nhan/", views.follow_up, name="follow_up"),
    path("tra-cuu/xoa-thong-tin/", views.erase, name="erase"),
    path("tra-cuu/thoat/", views.lookup_end, name="lookup_end"),
    path("bao-mat/", views.privacy, name="privacy"),
]
