"""Survey services: the template, workflow and immutability of a published version, copies,
answer validation (required, ranges, show-if), codes, quotas and anonymity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lantoa.audit.models import AuditEvent
from lantoa.surveys.models import (
    Answer,
    Channel,
    Question,
    QuotaAllocation,
    QuotaCell,
    Response,
    SurveyCode,
    SurveyStatus,
)
from lantoa.surveys.services import (
    codes_generate,
    question_add,
    question_update,
    questionnaire_revise,
    quota_allocate,
    quota_cell_save,
    response_submit,
    survey_approve,
    survey_close,
    survey_copy,
    survey_create,
    survey_open,
    survey_return,
    survey_submit,
)
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.django_db


def test_create_from_the_template_gives_sections_questions_and_quota_cells(tree, officers):
    survey = survey_create(
        unit=tree.pa,
        title="Khảo sát đời sống công nhân 2026",
        actor=officers.a_propaganda,
        template_key="doi-song-y-kien",
        sample_size=1000,
    )
    version = survey.current_version()
    assert survey.status == SurveyStatus.DRAFT and version.number == 1
    assert version.sections.count() == 5
    assert version.questions.count() >= 15
    assert {q.kind for q in version.questions.all()} >= {
        "single",
        "multiple",
        "likert",
        "matrix",
        "number",
        "date",
        "short_text",
        "long_text",
    }
    assert list(survey.quota_cells.values_list("label", "target")) == [
        ("Doanh nghiệp ngoài nhà nước", 700),
        ("Khu vực nhà nước", 300),
    ]
    assert survey.slug == "khao-sat-doi-song-cong-nhan-2026"
    assert AuditEvent.objects.filter(action="survey.create", unit=tree.pa).exists()


def test_an_officer_outside_the_unit_cannot_create(tree, officers):
    with pytest.raises(ValidationError):
        survey_create(unit=tree.pa, title="X", actor=officers.b_admin)


def test_workflow_four_eyes_and_the_published_version_is_immutable(tree, officers):
    author, leader = officers.a_propaganda, officers.a_leader
    survey = survey_create(unit=tree.pa, title="Thăm dò nhanh", actor=author)
    with pytest.raises(ValidationError):  # no question yet
        survey_submit(survey=survey, actor=author)
    question_add(
        survey=survey,
        actor=author,
        code="Q1",
        kind="single",
        text="Bạn có biết ngày hội?",
        options=[{"value": "1", "label": "Có"}, {"value": "2", "label": "Không"}],
        required=True,
    )
    survey_submit(survey=survey, actor=author)
    with pytest.raises(ValidationError):
        survey_return(survey=survey, actor=leader, comment=" ")
    survey_return(survey=survey, actor=leader, comment="Thêm câu về kênh thông tin.")
    assert survey.status == SurveyStatus.DRAFT
    survey_submit(survey=survey, actor=author)
    with pytest.raises(ValidationError) as own:
        survey_approve(survey=survey, actor=author)  # creator; not an approver either
    assert own.value.messages
    from lantoa.notifications.models import Notification

    # The province's approvers were told (the admin and the leader, not the author).
    told = set(Notification.objects.filter(kind="survey.submitted").values_list("user", flat=True))
    assert told == {officers.a_admin.pk, leader.pk}
    assert Notification.objects.filter(kind="survey.returned", user=author).exists()
    survey_approve(survey=survey, actor=leader)
    assert Notification.objects.filter(kind="survey.approved", user=author).exists()
    version = survey.current_version()
    assert version.is_published and survey.approved_by == leader
    question = version.questions.get()
    with pytest.raises(ValidationError):
        question_update(question=question, actor=author, text="Sửa sau khi duyệt")
    with pytest.raises(ValidationError):
        question_add(survey=survey, actor=author, code="Q2", kind="short_text", text="Thêm")
    new = questionnaire_revise(survey=survey, actor=author)
    survey.refresh_from_db()
    assert new.number == 2 and survey.status == SurveyStatus.DRAFT
    question_update(question=new.questions.get(), actor=author, text="Câu đã sửa")
    question.refresh_from_db()
    assert question.text == "Bạn có biết ngày hội?"  # version 1 unchanged


def test_responses_keep_the_version_they_answered(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    first = response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    questionnaire_revise(survey=survey, actor=officers.a_propaganda)
    survey.refresh_from_db()
    with pytest.raises(ValidationError):  # back in draft: not collecting
        response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    survey_submit(survey=survey, actor=officers.a_propaganda)
    survey_approve(survey=survey, actor=officers.a_leader)
    survey_open(survey=survey, actor=officers.a_propaganda)
    second = response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    assert first.version.number == 1 and second.version.number == 2
    assert first.answers.first().question.questionnaire_id == first.version_id


def test_copy_takes_the_questions_and_quota_cells_not_the_responses(tree, officers):
    survey = survey_create(
        unit=tree.pa,
        title="Đợt 1",
        actor=officers.a_propaganda,
        template_key="doi-song-y-kien",
        sample_size=100,
    )
    copy = survey_copy(survey=survey, actor=officers.a_propaganda, title="Đợt 2")
    assert copy.copied_from == survey and copy.status == SurveyStatus.DRAFT
    assert copy.current_version().questions.count() == survey.current_version().questions.count()
    assert copy.quota_cells.count() == 2 and not copy.responses.exists()


# --- answers ------------------------------------------------------------------------------


def test_a_valid_sheet_is_stored_as_rows(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    response = response_submit(survey=survey, unit=tree.a_g1, answers=answers(E1="Tăng lương"))
    rows = {(a.question.code, a.row, a.choice) for a in response.answers.all()}
    assert ("D2", "", "1") in rows and ("D2", "", "3") in rows  # one row per ticked option
    assert ("C2", "3", "4") in rows  # a matrix row
    age = response.answers.get(question__code="A2")
    assert age.number == Decimal("29.00")
    assert response.answers.get(question__code="E1").text == "Tăng lương"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"A1": None}, "A1", "Vui lòng trả lời câu A1"),
        ({"A2": "12"}, "A2", "từ 15 đến 75"),
        ({"A2": "hai mươi"}, "A2", "Vui lòng nhập một số"),
        ({"A1": "9"}, "A1", "phương án"),
        ({"D2": ["1", "other"]}, "D2", "ghi rõ"),
        ({"C2": {"1": "2"}}, "C2", "từng dòng"),
        ({"D5": "31/02/2026"}, "D5", "ngày/tháng/năm"),
        ({"B4": ["1"]}, "B4", "để trống"),  # B3 = "Vừa đủ": B4 is not asked
        ({"B3": "1"}, "B4", "Vui lòng trả lời câu B4"),  # B3 = "Không đủ": B4 is required
        ({"D4": "1"}, "D4", "để trống"),
    ],
)
def test_invalid_sheets_are_refused_naming_the_question(tree, officers, change, code, words):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    with pytest.raises(ValidationError) as err:
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(**change))
    assert words in " ".join(err.value.message_dict[code])
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_show_if_asks_the_follow_up_and_keeps_other_words(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    sheet = answers(B3="1", B4=["2", "other"], B4__other="Bán hàng trực tuyến")
    response = response_submit(survey=survey, unit=tree.a_g1, answers=sheet)
    other = response.answers.get(question__code="B4", choice="other")
    assert other.text == "Bán hàng trực tuyến"


def test_a_survey_not_open_or_a_unit_outside_refuses(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    with pytest.raises(ValidationError):
        response_submit(survey=survey, unit=tree.b_g1, answers=answers())
    survey_close(survey=survey, actor=officers.a_propaganda)
    with pytest.raises(ValidationError):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers())


# --- codes and anonymity ----------------------------------------------------------------------


def test_codes_are_single_use_and_unlinked_in_an_anonymous_survey(tree, officers):
    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, anonymous=True, codes_required=True
    )
    codes = codes_generate(survey=survey, unit=tree.a_kcn, count=3, actor=officers.a_communicator)
    assert [c.number for c in codes] == [1, 2, 3]
    assert len({c.code for c in codes}) == 3
    with pytest.raises(ValidationError):  # a code is needed
        response_submit(
            survey=survey,
            unit=tree.a_g1,
            answers=answers(),
            channel=Channel.PAPER,
            actor=officers.a_communicator,
        )
    response = response_submit(
        survey=survey,
        unit=tree.a_g1,
        answers=answers(),
        channel=Channel.PAPER,
        code=codes[0].code.lower().replace("-", ""),  # typed loosely
        actor=officers.a_communicator,
    )
    with pytest.raises(ValidationError) as used:
        response_submit(
            survey=survey,
            unit=tree.a_g2,
            answers=answers(),
            channel=Channel.PAPER,
            code=codes[0].code,
            actor=officers.a_communicator,
        )
    assert "đã được dùng" in " ".join(used.value.message_dict["code"])
    assert Response.objects.count() == 1
    # Nothing ties the used code to the response: no link, no officer, no time on the code.
    assert response.code_id is None and response.keyed_by_id is None
    code_row = SurveyCode.objects.get(pk=codes[0].pk)
    assert code_row.used and not hasattr(code_row, "response_id")
    with pytest.raises(SurveyCode.response.RelatedObjectDoesNotExist):
        code_row.response  # noqa: B018
    # No column of a response or an answer holds an address or an identity.
    names = {f.name for f in Response._meta.get_fields()} | {
        f.name for f in Answer._meta.get_fields()
    }
    assert not names & {"ip", "ip_address", "user", "user_agent", "name", "phone", "email"}


def test_a_code_of_another_units_subtree_is_refused(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    code = codes_generate(survey=survey, unit=tree.a_xa, count=1, actor=officers.a_propaganda)[0]
    with pytest.raises(ValidationError):
        response_submit(
            survey=survey,
            unit=tree.a_g1,
            answers=answers(),
            channel=Channel.PAPER,
            code=code.code,
            actor=officers.a_propaganda,
        )
    assert not SurveyCode.objects.get(pk=code.pk).used  # rolled back with the refusal


def test_a_non_anonymous_survey_keeps_the_code_and_who_keyed_it(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader, anonymous=False)
    code = codes_generate(survey=survey, unit=tree.a_g1, count=1, actor=officers.a_propaganda)[0]
    response = response_submit(
        survey=survey,
        unit=tree.a_g1,
        answers=answers(),
        channel=Channel.PAPER,
        code=code.code,
        actor=officers.a_communicator,
    )
    assert response.code_id == code.pk and response.keyed_by == officers.a_communicator


# --- quotas -----------------------------------------------------------------------------------


def _quota_survey(tree, officers, *, target=3, kcn=2, xa=1):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    cell = quota_cell_save(
        survey=survey,
        actor=officers.a_propaganda,
        label="Ngoài nhà nước × nữ",
        conditions={"A3": "1", "A1": "2"},
        target=target,
    )
    quota_allocate(
        cell=cell, allocations={tree.a_kcn: kcn, tree.a_xa: xa}, actor=officers.a_propaganda
    )
    return survey, cell


def test_quota_cells_count_up_the_tree_and_refuse_when_full(tree, officers):
    survey, cell = _quota_survey(tree, officers)
    response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    response_submit(survey=survey, unit=tree.a_g2, answers=answers())
    with pytest.raises(ValidationError) as full:  # A-KCN's share (2) is collected
        response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    assert "đã đủ số phiếu" in full.value.messages[0]
    response_submit(survey=survey, unit=tree.a_g3, answers=answers())
    cell.refresh_from_db()
    assert cell.count == 3
    assert dict(QuotaAllocation.objects.values_list("unit__code", "count")) == {
        "A-KCN": 2,
        "A-XA": 1,
    }
    with pytest.raises(ValidationError):  # the cell itself is full
        response_submit(survey=survey, unit=tree.pa, answers=answers())
    # A response outside every cell (men) is not limited.
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1="1"))
    assert Response.objects.filter(quota_cell=cell).count() == 3
    assert Response.objects.count() == 4


def test_allocations_may_not_exceed_the_cell_or_leave_the_subtree(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    cell = quota_cell_save(
        survey=survey,
        actor=officers.a_propaganda,
        label="Nhà nước",
        conditions={"A3": "2"},
        target=300,
    )
    with pytest.raises(ValidationError):
        quota_allocate(
            cell=cell, allocations={tree.a_kcn: 200, tree.a_xa: 150}, actor=officers.a_propaganda
        )
    with pytest.raises(ValidationError):
        quota_allocate(cell=cell, allocations={tree.b_kcn: 10}, actor=officers.a_propaganda)
    with pytest.raises(ValidationError):  # A-G1's share is more than A-KCN's
        quota_allocate(
            cell=cell, allocations={tree.a_kcn: 100, tree.a_g1: 150}, actor=officers.a_propaganda
        )
    quota_allocate(
        cell=cell, allocations={tree.a_kcn: 200, tree.a_xa: 100}, actor=officers.a_propaganda
    )
    assert QuotaAllocation.objects.filter(cell=cell).count() == 2
    with pytest.raises(ValidationError):
        quota_cell_save(
            survey=survey,
            actor=officers.a_propaganda,
            label="X",
            conditions={"A2": "1"},
            target=5,
        )  # A2 is a number, not a choice


def test_the_conditional_update_stops_exactly_at_the_target(tree, officers):
    """The counting step itself, as many times as there are sheets: the cell ends at its
    target whatever is tried after, and each refusal leaves nothing behind."""
    survey, cell = _quota_survey(tree, officers, target=5, kcn=5, xa=0)
    stored = refused = 0
    for _ in range(9):
        try:
            response_submit(survey=survey, unit=tree.a_g1, answers=answers())
            stored += 1
        except ValidationError:
            refused += 1
    cell.refresh_from_db()
    assert (stored, refused, cell.count) == (5, 4, 5)
    assert Response.objects.filter(quota_cell=cell).count() == 5
    assert QuotaCell.objects.get(pk=cell.pk).count == cell.target
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_question_with_show_if_must_follow_an_earlier_choice_question(tree, officers):
    survey = survey_create(unit=tree.pa, title="Thăm dò", actor=officers.a_propaganda)
    q1 = question_add(
        survey=survey,
        actor=officers.a_propaganda,
        code="Q1",
        kind="single",
        text="Có con nhỏ?",
        options=[{"value": "1", "label": "Có"}, {"value": "2", "label": "Không"}],
    )
    with pytest.raises(ValidationError) as bad:
        question_add(
            survey=survey,
            actor=officers.a_propaganda,
            code="Q2",
            kind="short_text",
            text="Gửi trẻ ở đâu?",
            show_if={"question": "Q1", "values": ["7"]},
        )
    assert "show_if" in bad.value.message_dict
    q2 = question_add(
        survey=survey,
        actor=officers.a_propaganda,
        code="Q2",
        kind="short_text",
        text="Gửi trẻ ở đâu?",
        show_if={"question": "Q1", "values": ["1"]},
    )
    question_update(question=q1, actor=officers.a_propaganda, code="CON")
    assert Question.objects.get(pk=q2.pk).show_if == {"question": "CON", "values": ["1"]}


def test_target_metric_collected_against_allocation(tree, officers):
    from django.utils import timezone

    from lantoa.core.extensions import target_metrics

    survey, _cell = _quota_survey(tree, officers, target=6, kcn=4, xa=2)
    for unit in (tree.a_g1, tree.a_g2, tree.a_g3):
        response_submit(survey=survey, unit=unit, answers=answers())
    metric = next(m for m in target_metrics if m.key == "survey_collected_share")
    today = timezone.localdate()
    values = metric.values([tree.a_kcn.pk, tree.a_xa.pk, tree.b_kcn.pk], today, today)
    assert values[tree.a_kcn.pk] == 0.5 and values[tree.a_xa.pk] == 0.5
    assert metric.value_of(values, tree.b_kcn.pk) is None  # nothing allocated


def test_an_upper_level_union_shares_its_allocation_on_down(tree, officers):
    from lantoa.accounts.models import Role
    from tests.conftest import make_officer

    kcn_editor = make_officer("tuyengiao_kcn", tree.a_kcn, Role.PROPAGANDA)
    survey, cell = _quota_survey(tree, officers, target=30, kcn=20, xa=10)
    quota_allocate(cell=cell, allocations={tree.a_g1: 12, tree.a_g2: 8}, actor=kcn_editor)
    with pytest.raises(ValidationError):  # more than A-KCN was given
        quota_allocate(cell=cell, allocations={tree.a_g1: 15}, actor=kcn_editor)
    with pytest.raises(ValidationError):  # A-XA's share is the province's to set
        quota_allocate(cell=cell, allocations={tree.a_xa: 5}, actor=kcn_editor)
    for _ in range(8):
        response_submit(survey=survey, unit=tree.a_g2, answers=answers())
    with pytest.raises(ValidationError):  # A-G2's 8 are in; A-KCN still has room
        response_submit(survey=survey, unit=tree.a_g2, answers=answers())
    response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    counts = dict(QuotaAllocation.objects.values_list("unit__code", "count"))
    assert counts == {"A-KCN": 9, "A-XA": 0, "A-G1": 1, "A-G2": 8}


def test_a_refused_sheet_gives_its_code_back_in_an_anonymous_survey(tree, officers):
    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, anonymous=True, codes_required=True
    )
    quota_cell_save(
        survey=survey, actor=officers.a_propaganda, label="Nữ", conditions={"A1": "2"}, target=1
    )
    first, second = codes_generate(
        survey=survey, unit=tree.a_g1, count=2, actor=officers.a_propaganda
    )
    keyed = {"channel": Channel.PAPER, "actor": officers.a_propaganda}
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(), code=first.code, **keyed)
    with pytest.raises(ValidationError):  # the cell "Nữ" is full
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(), code=second.code, **keyed)
    assert not SurveyCode.objects.get(pk=second.pk).used  # usable for a sheet that fits
    response_submit(
        survey=survey, unit=tree.a_g1, answers=answers(A1="1"), code=second.code, **keyed
    )
    assert SurveyCode.objects.filter(used=True).count() == 2
    assert not Response.objects.exclude(code=None).exists()


@pytest.mark.django_db(transaction=True)
def test_the_code_is_used_in_its_own_transaction_and_given_back(tree, officers):
    """Without an enclosing transaction (as in a request): the code's use commits on its own,
    and a refused sheet gives it back."""
    from django.db import connection as conn

    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, anonymous=True, codes_required=True
    )
    quota_cell_save(
        survey=survey, actor=officers.a_propaganda, label="Nữ", conditions={"A1": "2"}, target=1
    )
    first, second = codes_generate(
        survey=survey, unit=tree.a_g1, count=2, actor=officers.a_propaganda
    )
    assert not conn.in_atomic_block
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(), code=first.code)
    with pytest.raises(ValidationError):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(), code=second.code)
    assert list(SurveyCode.objects.order_by("number").values_list("used", flat=True)) == [
        True,
        False,
    ]
    assert Response.objects.count() == 1
