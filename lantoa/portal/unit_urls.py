from django.urls import path

from lantoa.portal import unit_views as views

app_name = "units"
# Fixed words come before "<code>/" so that they are never read as a unit code.
urlpatterns = [
    path("tim-kiem/", views.search, name="search"),
    path("chon-nhanh/", views.switcher, name="switcher"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/sua/", views.edit, name="edit"),
    path("<str:code>/them/", views.create_child, name="create"),
    path("<str:code>/chuyen/", views.move, name="move"),
    path("<str:code>/hop-nhat/", views.merge, name="merge"),
]
