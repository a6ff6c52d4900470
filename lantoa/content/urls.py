from django.urls import URLPattern, URLResolver, path

from lantoa.content import views

app_name = "content"
urlpatterns: list[URLPattern | URLResolver] = [
    path("xem-truoc/", views.content_preview, name="preview"),
    path("cho-duyet/", views.approval_queue, name="queue"),
    path("chi-tiet/<int:pk>/", views.content_detail, name="detail"),
    path("chi-tiet/<int:pk>/sua/", views.content_edit, name="edit"),
    path("chi-tiet/<int:pk>/phien-ban/", views.content_versions, name="versions"),
    path("chi-tiet/<int:pk>/phien-ban/<int:number>/", views.content_version, name="version"),
    path(
        "chi-tiet/<int:pk>/phien-ban/<int:number>/khoi-phuc/",
        views.content_restore,
        name="restore",
    ),
    *[
        path(f"chi-tiet/<int:pk>/{slug}/", views.content_action, {"action": action}, name=action)
        for slug, action in (
            ("gui-duyet", "submit"),
            ("duyet", "approve"),
            ("tra-lai", "return"),
        )
    ],
    path("tep/<int:pk>/", views.media_file, name="media_file"),
    path("tep/<int:pk>/nho/", views.media_thumb, name="media_thumb"),
    path("tep/<int:pk>/xoa/", views.media_delete, name="media_delete"),
    path("<str:code>/", views.unit_content, name="unit"),
    path("<str:code>/them/", views.content_create, name="create"),
    path("<str:code>/lich/", views.calendar, name="calendar"),
    path("<str:code>/thu-vien/", views.media_library, name="media"),
    path("<str:code>/thu-vien/tai-len/", views.media_upload, name="media_upload"),
    path("<str:code>/thu-vien/duong-dan/", views.media_link, name="media_link"),
    path("<str:code>/nguoi-duyet/", views.approval_settings, name="approvals"),
]
