"""Officers' survey screens under /khao-sat/ (``don-vi/…`` and ``phieu/…``; a survey's slug
never takes those words, so the public ``<slug>/<unit code>/`` of ``public_urls`` cannot meet
them)."""

from django.urls import URLPattern, URLResolver, path

from lantoa.surveys import collect_views, views

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = [
    path("don-vi/<str:code>/", views.unit_list, name="unit"),
    path("don-vi/<str:code>/tao-moi/", views.survey_new, name="new"),
    path("phieu/<int:pk>/", views.survey_detail, name="detail"),
    path("phieu/<int:pk>/sua/", views.survey_edit, name="edit"),
    path("phieu/<int:pk>/thao-tac/<str:action>/", views.survey_action, name="action"),
    path("phieu/<int:pk>/cau-hoi/them/", views.question_new, name="question_new"),
    path("phieu/<int:pk>/cau-hoi/<int:qid>/", views.question_edit, name="question_edit"),
    path("phieu/<int:pk>/cau-hoi/<int:qid>/xoa/", views.question_delete, name="question_delete"),
    path("phieu/<int:pk>/phan/them/", views.section_new, name="section_new"),
    path("phieu/<int:pk>/chi-tieu/", views.quotas, name="quotas"),
    path("phieu/<int:pk>/ma/", views.codes, name="codes"),
    path("phieu/<int:pk>/ma/<str:unit_code>/", views.codes_print, name="codes_print"),
    path("phieu/<int:pk>/tien-do/", views.progress, name="progress"),
    path("phieu/<int:pk>/nhap-phieu/", views.entry, name="entry"),
    path("phieu/<int:pk>/phieu-giay/", collect_views.sheets, name="sheets"),
    path("phieu/<int:pk>/phieu-giay/<int:sid>/", collect_views.sheet, name="sheet"),
    path("phieu/<int:pk>/nhap-tep/", collect_views.import_responses, name="import"),
    path("phieu/<int:pk>/nhap-tep/mau.xlsx", collect_views.import_template, name="import_template"),
    path("phieu/<int:pk>/gui-xuong-co-so/", collect_views.announce, name="announce"),
    path("phieu/<int:pk>/chien-dich/", collect_views.link_campaigns, name="campaigns"),
    path("phieu/<int:pk>/ket-qua/", views.results, name="results"),
    path("phieu/<int:pk>/xu-huong/", views.trends, name="trends"),
    path("phieu/<int:pk>/y-kien/", views.texts, name="texts"),
    path("phieu/<int:pk>/tom-tat.docx", views.summary, name="summary"),
    path("phieu/<int:pk>/xuat.<str:fmt>", views.export, name="export"),
    path("phieu/<int:pk>/qr/<str:unit_code>.svg", views.qr, name="qr"),
]
