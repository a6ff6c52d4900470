"""The public site, mounted at the root before the officers' routes (lantoa/urls.py) for
these prefixes only; "/" itself is ``lantoa.portal.views.home`` (the public home for visitors).

Unit pages name their parameter ``unit_code``, not ``code``: they are public for every unit,
unlike the officers' unit-scoped routes that hide other provinces.
"""

from django.urls import URLPattern, path

from lantoa.publicsite import views

app_name = "publicsite"
urlpatterns: list[URLPattern] = [
    path("tin-tuc/", views.news_list, name="news"),
    path("tin-tuc/rss.xml", views.rss, name="rss"),
    path("tin-tuc/<str:unit_code>/", views.unit_news, name="unit_news"),
    path("tin-tuc/<str:unit_code>/rss.xml", views.unit_rss, name="unit_rss"),
    path("tin-tuc/<str:unit_code>/<slug:slug>/", views.article, name="article"),
    path("chien-dich-cong-khai/", views.campaign_list, name="campaigns"),
    path("chien-dich-cong-khai/<int:pk>/", views.campaign_detail, name="campaign"),
    path("anh-tin/<int:pk>/", views.media, name="media"),
    path("anh-tin/<int:pk>/nho/", views.media_thumb, name="media_thumb"),
    path("ban-tin/dang-ky/<str:unit_code>/", views.subscribe, name="subscribe"),
    path("ban-tin/dang-ky/<str:unit_code>/da-gui/", views.subscribe_sent, name="subscribe_sent"),
    path("ban-tin/xac-nhan/<str:token>/", views.confirm, name="confirm"),
    path("ban-tin/huy/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
]
