"""English mode in a real browser at 390×844 and 1280×800 (issue 17: "English mode shows no
Vietnamese service message in the browser suite's journeys"). The key steps of the journeys,
with the language set to English (the switch's cookie): a worker's question (refused once, then
sent) and the lookup of its answer; an officer logging in, refusing an empty reply, answering;
a province officer writing news and sending it for approval; a leader approving and publishing
it, the notices, the dashboard and the report page. What people wrote — names of units and
officers, titles, questions, answers — is data, taken out before looking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import PASSWORD, Officers
from tests.e2e.checks import vietnamese_on_page
from tests.e2e.conftest import VIEWPORTS, Session, Viewport

pytestmark = pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)

QUESTION = "Công ty có được trả lương ca đêm thấp hơn luật không?"
WORKPLACE = "Công ty TNHH May Ánh Dương"
ANSWER = "Chào bạn, tiền lương làm việc ban đêm ít nhất bằng lương ngày cộng thêm 30%."
TITLE = "Công nhân May Ánh Dương hưởng ứng Tháng Công nhân 2026"
BODY = "Sáng 1/5, hơn 500 công nhân dự lễ phát động."
# Names in the English examples of the question form ("Ánh Dương Garment Co., Ltd., Yên Bình
# Industrial Zone"): a company and an industrial zone keep their names in English.
EXAMPLE_NAMES = ("Ánh Dương", "Yên Bình")


def user_data() -> Iterator[str]:
    """What people wrote, as the pages may show it: names, titles, questions, answers."""
    from lantoa.accounts.models import User
    from lantoa.cascades.models import Cascade
    from lantoa.content.models import ContentItem
    from lantoa.inquiries.models import Inquiry, Message
    from lantoa.units.models import Unit

    for name, short in Unit.objects.values_list("name", "short_name"):
        yield name
        yield short
    yield from User.objects.values_list("full_name", flat=True)
    for title, summary in ContentItem.objects.values_list("title", "summary"):
        yield title
        yield summary
    yield from Message.objects.values_list("body", flat=True)
    for subject, workplace in Inquiry.objects.values_list("subject", "workplace"):
        yield subject
        yield workplace
    yield from Cascade.objects.values_list("title", flat=True)
    yield from (QUESTION, WORKPLACE, ANSWER, TITLE, BODY, *EXAMPLE_NAMES)


class EnglishCheck:
    """Looks at each page of the journey and keeps what it found, to report all at once."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def __call__(self, session: Session) -> None:
        path = session.page.url.split(session.base_url, 1)[-1]
        data = list(user_data())
        self.found += [f"{path}: {line}" for line in vietnamese_on_page(session.page, data)]
        self.found += [f"{path}: {p}" for p in session.log.problems()]
        session.log.clear()


def english(session: Session) -> Session:
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": session.base_url}]
    )
    return session


def test_journeys_in_english(open_session: Any, officers: Officers, viewport: Viewport) -> None:
    check = EnglishCheck()

    # A worker asks: an empty form is refused, then the question goes.
    worker = english(open_session(viewport))
    w = worker.page
    worker.goto("/cau-hoi/")
    check(worker)
    worker.follow(w.get_by_role("button", name="Send to the Trade Union"))
    assert w.locator(".errorlist").count(), "the empty form was not refused"
    check(worker)
    w.locator("textarea[name=question]").fill(QUESTION)
    w.locator("input[name=workplace]").fill(WORKPLACE)
    worker.tap(w.locator("input[name=identity][value=anonymous]"))
    worker.follow(w.get_by_role("button", name="Send to the Trade Union"))
    assert w.url.endswith("/cau-hoi/da-gui/"), w.url
    code, secret = (c.strip() for c in w.locator("dd.pub-code").all_inner_texts())
    check(worker)

    # An officer logs in, refuses to send an empty reply, then answers.
    officer = english(open_session(viewport))
    o = officer.page
    officer.goto("/tai-khoan/dang-nhap/")
    o.get_by_label("Username").fill(officers.a_communicator.username)
    o.get_by_label("Password").fill(PASSWORD)
    officer.follow(o.get_by_role("button", name="Log in"))
    check(officer)
    officer.goto("/hop-thu/")
    check(officer)
    officer.follow(o.locator("#inbox-results a", has_text=code))
    check(officer)
    send = o.get_by_role("button", name=re.compile("Save reply|Send reply"))
    o.locator("#reply-body").fill(" ")
    officer.follow(send)
    check(officer)
    o.locator("#reply-body").fill(ANSWER)
    officer.follow(send)
    assert ANSWER in o.locator("main").inner_text()
    check(officer)

    # A province officer writes news and sends it for approval.
    writer = english(open_session(viewport))
    p = writer.page
    writer.log_in(officers.a_propaganda)
    writer.goto("/noi-dung/P-A/them/")
    check(writer)
    p.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    writer.tap(p.locator(".ql-editor"))
    p.keyboard.type(BODY)
    writer.follow(p.get_by_role("button", name="Save draft"))
    assert re.search(r"/noi-dung/chi-tiet/\d+/$", p.url), p.url
    item_url = p.url
    check(writer)
    writer.follow(p.get_by_role("button", name="Submit for review"))
    check(writer)

    # The leader approves and publishes it, reads the notices, the dashboard and the report.
    leader = english(open_session(viewport))
    lp = leader.page
    leader.log_in(officers.a_leader)
    leader.goto("/thong-bao/")
    check(leader)
    leader.goto(item_url)
    leader.follow(lp.get_by_role("button", name="Approve", exact=True))
    check(leader)
    leader.follow(lp.get_by_role("button", name="Publish now"))
    check(leader)
    for path in ("/bao-cao/P-A/tong-quan/", "/bao-cao/P-A/"):
        leader.goto(path)
        check(leader)

    # The worker reads the answer.
    worker.goto("/cau-hoi/tra-cuu/")
    w.get_by_label("Lookup code").fill(code)
    w.get_by_label("Secret code").fill(secret)
    worker.follow(w.get_by_role("button", name="View the answer"))
    assert ANSWER in w.locator(".pub-thread").inner_text()
    check(worker)

    assert not check.found, "\n".join(check.found)
