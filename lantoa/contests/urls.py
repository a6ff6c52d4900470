"""The officers' contest screens, mounted at /cuoc-thi/."""

from django.urls import URLPattern, URLResolver, path

from lantoa.contests import media_views, views

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
    # Video and photo contests (lantoa.contests.media_views).
    path("cham-diem/", media_views.juries, name="media_juries"),
    path("so/<int:pk>/tac-pham/", media_views.detail, name="media_detail"),
    path("so/<int:pk>/tac-pham/cai-dat/", media_views.settings_save, name="media_settings"),
    path("so/<int:pk>/tac-pham/tieu-chi/", media_views.criterion_add, name="media_criterion_add"),
    path(
        "so/<int:pk>/tac-pham/tieu-chi/<int:cid>/xoa/",
        media_views.criterion_remove,
        name="media_criterion_remove",
    ),
    path("so/<int:pk>/tac-pham/giam-khao/", media_views.judge_invite, name="media_judge_invite"),
    path(
        "so/<int:pk>/tac-pham/giam-khao/<int:jid>/xoa/",
        media_views.judge_remove,
        name="media_judge_remove",
    ),
    path("so/<int:pk>/tac-pham/bai/", media_views.entries, name="media_entries"),
    path("so/<int:pk>/tac-pham/bai/<int:number>/", media_views.entry, name="media_entry"),
    path(
        "so/<int:pk>/tac-pham/bai/<int:number>/kiem-duyet/",
        media_views.moderate,
        name="media_moderate",
    ),
    path("so/<int:pk>/tac-pham/bai/<int:number>/cham/", media_views.score, name="media_score"),
    path("so/<int:pk>/tac-pham/bai/<int:number>/tep/", media_views.entry_work, name="media_work"),
    path(
        "so/<int:pk>/tac-pham/bai/<int:number>/anh/", media_views.entry_poster, name="media_poster"
    ),
    path("so/<int:pk>/tac-pham/phieu/", media_views.votes, name="media_votes"),
    path(
        "so/<int:pk>/tac-pham/phieu/<int:vote_id>/huy/",
        media_views.vote_annul,
        name="media_vote_annul",
    ),
    path("so/<int:pk>/tac-pham/phieu/danh-dau/", media_views.flagged_decide, name="media_flagged"),
    path("so/<int:pk>/tac-pham/ket-qua/", media_views.results, name="media_results"),
    path("so/<int:pk>/tac-pham/ket-qua/giai/", media_views.winners_set, name="media_winners"),
    path("so/<int:pk>/tac-pham/ket-qua/cong-bo/", media_views.publish, name="media_publish"),
    path("so/<int:pk>/tac-pham/ket-qua/thong-bao/", media_views.announce, name="media_announce"),
    path("<str:code>/tao-tac-pham/", media_views.create, name="media_create"),
    path("<str:code>/", views.unit_contests, name="unit"),
    path("<str:code>/tao/", views.contest_create, name="create"),
]
