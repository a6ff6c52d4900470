"""Officers' knowledge-base screens, mounted at /tri-thuc/."""

from django.urls import path

from lantoa.kb import views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("them/", views.article_create, name="create"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/sua/", views.article_edit, name="edit"),
    path("<int:pk>/cong-khai/", views.article_publish, name="publish"),
    path("<int:pk>/an/", views.article_unpublish, name="unpublish"),
    path("<int:pk>/duyet/", views.article_review, name="review"),
]
