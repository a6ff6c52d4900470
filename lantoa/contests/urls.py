"""The officers' contest screens, mounted at /cuoc-thi/."""

from django.urls import URLPattern, URLResolver, path

from lantoa.contests import views

app_name = "contests"
urlpatterns: list[URLPattern | URLResolver] = [
    path("mau-kho-cau-hoi.xlsx", views.bank_template, name="template"),
    path("so/<int:pk>/", views.contest_detail, name="detail"),
    path("so/<int:pk>/sua/", views.contest_edit, name="edit"),
    path("so/<int:pk>/dot-thi/", views.round_create, name="round_create"),
    path("so/<int:pk>/kho-cau-hoi/", views.bank_upload, name="bank_upload"),
    path("so/<int:pk>/kho-cau-hoi.xlsx", views.bank_export, name="bank_export"),
    path("so/<int:pk>/cau-hoi/", views.questions, name="questions"),
    path("so/<int:pk>/cau-hoi/<int:question_id>/", views.question_edit, name="question_edit"),
    path("so/<int:pk>/gui-duyet/", views.contest_submit, name="submit"),
    path("so/<int:pk>/duyet/", views.contest_approve, name="approve"),
    path("so/<int:pk>/tra-lai/", views.contest_return, name="return"),
    path("so/<int:pk>/xep-hang/", views.rankings, name="rankings"),
    path("so/<int:pk>/xep-hang.xlsx", views.rankings_export, name="rankings_export"),
    path("so/<int:pk>/dau-hieu/", views.flags, name="flags"),
    path("so/<int:pk>/dau-hieu/kiem-tra/", views.flags_scan, name="flags_scan"),
    path("so/<int:pk>/dau-hieu/<int:attempt_id>/", views.flag_decide, name="flag_decide"),
    path("so/<int:pk>/ket-qua/", views.results_page, name="results"),
    path("so/<int:pk>/ket-qua/giai/", views.prizes_set, name="prizes"),
    path("so/<int:pk>/ket-qua/cong-bo/", views.results_publish, name="results_publish"),
    path("so/<int:pk>/ket-qua/thong-bao/", views.results_announce, name="announce"),
    path("<str:code>/", views.unit_contests, name="unit"),
    path("<str:code>/tao/", views.contest_create, name="create"),
]
