"""The yearly calendar of moments (lantoa.campaigns.moments): Tết from the table, occurrences,
inherited, overridden and hidden moments, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.campaigns import selectors, services
from lantoa.campaigns.models import RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS, TET_DATES, occurrence, tet_date
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree


def _moment(unit: Unit, key: str) -> RecurringMoment:
    found = selectors.moment_for_key(unit, key)
    assert found is not None
    return found


def test_tet_dates_table() -> None:
    assert set(TET_DATES) == set(range(2024, 2036))
    assert tet_date(2026) == dt.date(2026, 2, 17)
    assert tet_date(2025) == dt.date(2025, 1, 29)
    # Vietnam reckons at UTC+7: Tết 2030 is a day before the Chinese new year.
    assert tet_date(2030) == dt.date(2030, 2, 2)
    assert tet_date(2036) is None
    # Every date is a late-January to February day.
    assert all(dt.date(y, 1, 20) <= d <= dt.date(y, 2, 20) for y, d in TET_DATES.items())


def test_moment_occurrences(tree: Tree) -> None:
    sum_vay = occurrence(_moment(tree.pa, "tet-sum-vay"), 2026)
    assert sum_vay is not None
    assert (sum_vay.start, sum_vay.end) == (dt.date(2026, 1, 18), dt.date(2026, 2, 16))
    tet = occurrence(_moment(tree.pa, "tet-nguyen-dan"), 2026)
    assert tet is not None and (tet.start, tet.end) == (dt.date(2026, 2, 17), dt.date(2026, 2, 19))
    founding = occurrence(_moment(tree.pa, "thanh-lap-cong-doan"), 2026)
    assert founding is not None
    assert (founding.start, founding.anniversary) == (dt.date(2026, 7, 28), 97)
    may = occurrence(_moment(tree.pa, "thang-cong-nhan"), 2026)
    assert may is not None and (may.start, may.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert occurrence(_moment(tree.pa, "dai-hoi-cong-doan"), 2026) is None  # undated
    assert occurrence(_moment(tree.pa, "tet-sum-vay"), 2040) is None  # outside the table


def test_year_calendar_holds_the_moments(tree: Tree) -> None:
    found = {
        (o.key, o.start)
        for o in selectors.occurrences_in_year(selectors.moments_for(tree.a_g1), 2027)
    }
    expected = {
        ("quoc-te-phu-nu", dt.date(2027, 3, 8)),
        ("quoc-te-lao-dong", dt.date(2027, 5, 1)),
        ("thang-cong-nhan", dt.date(2027, 5, 1)),
        ("thang-atvsld", dt.date(2027, 5, 1)),
        ("sinh-nhat-bac-ho", dt.date(2027, 5, 19)),
        ("thanh-lap-cong-doan", dt.date(2027, 7, 28)),
        ("quoc-khanh", dt.date(2027, 9, 2)),
        ("phu-nu-viet-nam", dt.date(2027, 10, 20)),
        ("tet-nguyen-dan", dt.date(2027, 2, 6)),
        ("tet-sum-vay", dt.date(2027, 1, 7)),
        # Tết 2028 falls on 26/01: its "Tết Sum vầy" starts in December 2027.
        ("tet-sum-vay", dt.date(2027, 12, 27)),
    }
    assert found == expected
    months = selectors.calendar_year(tree.a_g1, 2027)
    assert len(months) == 12
    may = months[4]
    first = next(d for w in may.weeks for d in w if d.day == dt.date(2027, 5, 1))
    assert {o.key for o in first.moments} == {"quoc-te-lao-dong", "thang-cong-nhan", "thang-atvsld"}


def test_moments_inherited_overridden_and_hidden(tree: Tree, officers: Officers) -> None:
    assert services.moment_seed_defaults(unit=tree.vn) == len(DEFAULT_MOMENTS)
    assert services.moment_seed_defaults(unit=tree.vn) == 0
    services.moment_save(
        unit=tree.pa,
        key="dai-hoi-cong-doan",
        actor=officers.a_admin,
        name="Đại hội Công đoàn tỉnh An Giang lần thứ XI",
        rule="one_off",
        start_date=dt.date(2028, 6, 10),
        end_date=dt.date(2028, 6, 11),
    )
    services.moment_hide(
        unit=tree.a_kcn, key="quoc-khanh", name="Quốc khánh 2/9", actor=officers.a_admin
    )
    custom = services.moment_save(
        unit=tree.a_kcn,
        actor=officers.a_admin,
        name="Ngày hội công nhân KCN",
        rule="fixed",
        month=11,
        day=15,
    )
    assert custom.key == "ngay-hoi-cong-nhan-kcn"

    g1 = {m.key: m for m in selectors.moments_for(tree.a_g1)}
    assert g1["dai-hoi-cong-doan"].unit_id == tree.pa.pk
    assert "quoc-khanh" not in g1 and "ngay-hoi-cong-nhan-kcn" in g1
    assert g1["tet-sum-vay"].unit_id == tree.vn.pk
    pa = {m.key: m for m in selectors.moments_for(tree.pa)}
    assert "quoc-khanh" in pa and "ngay-hoi-cong-nhan-kcn" not in pa
    pb = {m.key: m for m in selectors.moments_for(tree.pb)}
    assert pb["dai-hoi-cong-doan"].start_date is None
    congress = selectors.occurrences_in_year(g1.values(), 2028)
    assert ("dai-hoi-cong-doan", dt.date(2028, 6, 10)) in {(o.key, o.start) for o in congress}

    assert services.moment_reset(unit=tree.a_kcn, key="quoc-khanh", actor=officers.a_admin) == 1
    assert "quoc-khanh" in {m.key for m in selectors.moments_for(tree.a_g1)}
    assert AuditEvent.objects.filter(action__startswith="campaign.moment").count() == 4


def test_moment_validation(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.moment_save(
            unit=tree.pa, actor=officers.a_admin, name="Sai", rule="fixed", month=2, day=30
        )
    assert exc.value.message_dict["day"] == ["Ngày 30/2 không tồn tại (ngày bắt đầu)."]
    with pytest.raises(ValidationError) as exc:
        services.moment_save(
            unit=tree.pa,
            actor=officers.a_admin,
            name="Ngược",
            rule="lunar_new_year",
            offset_start=5,
            offset_end=-5,
        )
    assert "offset_end" in exc.value.message_dict
    assert RecurringMoment.objects.count() == 0
