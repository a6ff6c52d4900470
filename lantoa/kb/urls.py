"""Officers' knowledge-base screens, mounted at /tri-thuc/."""

from django.urls import path

from lantoa.kb import register_views, views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("them/", views.article_create, name="create"),
    path("tai-ve/", register_views.article_export, name="export"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/sua/", views.article_edit, name="edit"),
    path("<int:pk>/cong-khai/", views.article_publish, name="publish"),
    path("<int:pk>/an/", views.article_unpublish, name="unpublish"),
    path("<int:pk>/duyet/", views.article_review, name="review"),
    path("<int:pk>/da-ra-soat/", register_views.article_reviewed, name="reviewed"),
    # Articles needing a review: all those the officer looks after, or one unit's subtree.
    path("ra-soat/", register_views.review_queue, name="review_queue"),
    path("ra-soat/<str:code>/", register_views.review_queue, name="review_queue_unit"),
    # The register of legal documents the articles cite.
    path("van-ban/", register_views.law_list, name="law_list"),
    path("van-ban/them/", register_views.law_create, name="law_create"),
    path("van-ban/tai-ve/", register_views.law_export, name="law_export"),
    path("van-ban/<int:pk>/", register_views.law_detail, name="law_detail"),
    path("van-ban/<int:pk>/sua/", register_views.law_edit, name="law_edit"),
]
