"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lantoa.publishing import runner, services
from lantoa.publishing.models import Method, Publication, PublicationStatus
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    FB_PAGE,
    FB_TOKEN,
    PUBLIC_URL,
    approved_item,
    facebook_channel,
)

S = PublicationStatus


class Killed(BaseException):
    """A worker killed mid-job: nothing after it runs, no except clause catches it."""


def item_approved(tree: Tree, officers: Officers, **fields: Any) -> Any:
    return approved_item(tree.pa, officers.a_propaganda, officers.a_leader, **fields)


def schedule(
    item: Any,
    unit: Any,
    keys: list[str],
    actor: Any,
    at: dt.datetime | None = None,
    **kw: Any,
) -> list[Publication]:
    return services.publication_schedule(
        item=item, unit=unit, keys=keys, at=at, actor=actor, base_url=PUBLIC_URL, **kw
    )


def run_job(pub: Publication, now: dt.datetime | None = None) -> str | None:
    return runner.publication_run(pk=pub.pk, now=now)


def facebook_job(fake_: Any, tree: Tree, officers: Officers, **kw: Any) -> Publication:
    """An approved item put on the province's connected Facebook page (and the site), the
    Facebook job created but not run."""
    channel = facebook_channel(tree.pa)
    fake_.page_token(FB_PAGE, FB_TOKEN)
    item = item_approved(tree, officers, **kw)
    pubs = schedule(item, tree.pa, ["site", f"c{channel.pk}"], officers.a_propaganda)
    site = next(p for p in pubs if p.method == Method.SITE)
    assert run_job(site) == S.PUBLISHED  # the item is on the site; the Facebook job waits
    return next(p for p in pubs if p.method == Method.FACEBOOK)
