"""The public legal Q&A pages, mounted at /hoi-dap/ (published articles only, no login)."""

from django.urls import path

from lantoa.kb import public_views

app_name = "kb_public"
urlpatterns = [
    path("", public_views.article_list, name="list"),
    path("<slug:slug>/", public_views.article_detail, name="detail"),
]
