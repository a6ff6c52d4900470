"""What the apps contribute to the home page, the unit page and the demo through the
registries of lantoa.core.extensions, filled from each app's contributions.py."""

from __future__ import annotations

from lantoa.core.extensions import DEMO, SEED, demo_builders, unit_sections, work_links


def test_work_links_in_the_order_of_the_unit_page() -> None:
    assert [link.key for link in work_links] == [
        "activities.record",
        "cascades.inbox",
        "cascades.sent",
        "activities",
        "campaigns",
        "contests",
        "livegame",
        "content",
        "publishing",
        "surveys.unit",
        "connectors",
        "reports",
        "inquiries.poster",
        "kb",
        "kb.review",
    ]
    assert [link.key for link in work_links if link.primary] == ["activities.record"]
    nav = sorted(
        (link for link in work_links if link.nav_order is not None),
        key=lambda link: link.nav_order or 0,
    )
    assert [link.key for link in nav] == [
        "campaigns",
        "content",
        "cascades.inbox",
        "publishing",
        "activities",
        "reports",
    ]


def test_unit_sections_channels_coverage_roster() -> None:
    assert [(s.key, s.anchor) for s in unit_sections] == [
        ("channels", "kenh"),
        ("channels.coverage", "do-phu"),
        ("roster", "doi-ngu"),
    ]


def test_demo_builders_by_stage() -> None:
    """The seed fills the tree (channels and roster before the activities, targets last,
    over the activities); the demo adds the rest, the shipped articles and the accounts
    before what the accounts create."""
    assert [b.key for b in demo_builders if b.stage == SEED] == [
        "channels",
        "roster",
        "activities",
        "targets",
    ]
    assert [b.key for b in demo_builders if b.stage == DEMO] == [
        "kb",
        "accounts",
        "campaigns",
        "content",
        "cascades",
        "contests",
        "livegame",
        "inquiries",
        "publishing",
        "surveys",
    ]
