"""The public pages of the contests, mounted at /thi/ (no login). Contest and attempt
numbers, not unit codes: a contest is public whatever unit runs it."""

from django.urls import URLPattern, URLResolver, path

from lantoa.contests import media_public_views as media
from lantoa.contests import public_views as views

app_name = "contests_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.contest_list, name="list"),
    path("<int:contest_id>/", views.rules, name="rules"),
    path("<int:contest_id>/ket-qua/", views.results_page, name="results"),
    path("<int:contest_id>/dang-ky/", views.register, name="register"),
    path("<int:contest_id>/xac-minh/", views.verify, name="verify"),
    path("<int:contest_id>/don-vi/", views.unit_search, name="units"),
    path("<int:contest_id>/dot/<int:number>/bat-dau/", views.start, name="start"),
    # Video and photo contests (lantoa.contests.media_public_views).
    path("<int:contest_id>/gui-tac-pham/", media.submit, name="media_submit"),
    path("<int:contest_id>/tac-pham/<int:number>/", media.entry_page, name="media_entry"),
    path("<int:contest_id>/tac-pham/<int:number>/tep/", media.entry_work, name="media_work"),
    path("<int:contest_id>/tac-pham/<int:number>/anh/", media.entry_poster, name="media_poster"),
    path("<int:contest_id>/tac-pham/<int:number>/binh-chon/", media.vote, name="media_vote"),
    path("<int:contest_id>/binh-chon/", media.voter_phone, name="media_voter"),
    path("<int:contest_id>/binh-chon/ma/", media.voter_code, name="media_voter_code"),
    path("<int:contest_id>/so-phieu.json", media.counts, name="media_counts"),
    path("bai/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("bai/<int:attempt_id>/luu/", views.autosave, name="autosave"),
    path("bai/<int:attempt_id>/nop/", views.submit, name="submit"),
    path("bai/<int:attempt_id>/ket-qua/", views.result, name="result"),
]
