"""Writes of campaigns and of the moments calendar. Each writes its audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.campaigns.models import Audience, Campaign, CampaignStatus, MomentRule, RecurringMoment
from lantoa.campaigns.moments import DEFAULT_MOMENTS
from lantoa.channels.models import ChannelKind
from lantoa.core.services import acting_user
from lantoa.core.text import fold
from lantoa.units.models import Unit, UnitKind

CAMPAIGN_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "participant_kinds",
    "objectives",
    "audiences",
    "key_message",
    "slogan",
    "planned_channels",
    "status",
    "moment_key",
)


def status_for_dates(starts_on: dt.date, ends_on: dt.date, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if today < starts_on:
        return CampaignStatus.PLANNED
    if today > ends_on:
        return CampaignStatus.FINISHED
    return CampaignStatus.RUNNING


def _clean_campaign(c: Campaign) -> None:
    errors: dict[str, str] = {}
    c.name = (c.name or "").strip()
    c.slogan = (c.slogan or "").strip()
    if not c.name:
        errors["name"] = _("Vui lòng nhập tên chiến dịch.")
    elif len(c.name) > 255:
        errors["name"] = _("Tên chiến dịch dài quá 255 ký tự.")
    if not c.starts_on:
        errors["starts_on"] = _("Vui lòng nhập ngày bắt đầu.")
    if not c.ends_on:
        errors["ends_on"] = _("Vui lòng nhập ngày kết thúc.")
    if c.starts_on and c.ends_on and c.ends_on < c.starts_on:
        errors["ends_on"] = _("Ngày kết thúc %(ends_on)s trước ngày bắt đầu %(starts_on)s.") % {
            "ends_on": format(c.ends_on, "%d/%m/%Y"),
            "starts_on": format(c.starts_on, "%d/%m/%Y"),
        }
    for name, allowed, label in (
        ("participant_kinds", UnitKind.values, _("loại đơn vị")),
        ("audiences", Audience.values, _("đối tượng")),
        ("planned_channels", ChannelKind.values, _("loại kênh")),
    ):
        values = list(dict.fromkeys(getattr(c, name) or []))
        bad = [v for v in values if v not in allowed]
        if bad:
            errors[name] = _("Không có %(label)s “%(bad)s”.") % {"label": label, "bad": bad[0]}
        setattr(c, name, values)
    if c.status not in CampaignStatus.values:
        errors["status"] = _("Trạng thái chiến dịch không hợp lệ.")
    if errors:
        raise ValidationError(errors)


def campaign_create(
    *,
    owner: Unit,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: Any = None,
    participant_kinds: list[str] | None = None,
    objectives: str = "",
    audiences: list[str] | None = None,
    key_message: str = "",
    slogan: str = "",
    planned_channels: list[str] | None = None,
    status: str | None = None,
    moment_key: str = "",
) -> Campaign:
    campaign = Campaign(
        owner=owner,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        participant_kinds=participant_kinds or [],
        objectives=objectives,
        audiences=audiences or [],
        key_message=key_message,
        slogan=slogan,
        planned_channels=planned_channels or [],
        status=status or (status_for_dates(starts_on, ends_on) if starts_on and ends_on else ""),
        moment_key=moment_key,
        created_by=acting_user(actor),
    )
    _clean_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        audit_record(
            action="campaign.create",
            actor=actor,
            unit=owner,
            target=f"{campaign.pk}: {campaign.name}",
            data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )
    return campaign


def campaign_update(*, campaign: Campaign, actor: Any = None, **fields: Any) -> Campaign:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    before = {k: getattr(campaign, k) for k in fields}
    for key, value in fields.items():
        setattr(campaign, key, value)
    try:
        _clean_campaign(campaign)
    except ValidationError:
        for key, value in before.items():
            setattr(campaign, key, value)
        raise
    changed = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k in fields
        if (v := getattr(campaign, k)) != before[k]
    }
    with transaction.atomic():
        campaign.save()
        if changed:
            audit_record(
                action="campaign.update",
                actor=actor,
                unit=campaign.owner,
                target=f"{campaign.pk}: {campaign.name}",
                data=changed,
            )
    return campaign


def campaign_delete(*, campaign: Campaign, actor: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            action="campaign.delete",
            actor=actor,
            unit=campaign.owner,
            target=f"{campaign.pk}: {campaign.name}",
        )
        campaign.delete()


def campaigns_sync_status(*, today: dt.date | None = None) -> int:
    """Move campaigns along planned → running → finished as their dates pass (the periodic
    task). Returns how many rows changed; running it twice changes nothing more."""
    today = today or timezone.localdate()
    started = Campaign.objects.filter(
        status=CampaignStatus.PLANNED, starts_on__lte=today, ends_on__gte=today
    ).update(status=CampaignStatus.RUNNING, updated_at=timezone.now())
    ended = Campaign.objects.filter(
        status__in=(CampaignStatus.PLANNED, CampaignStatus.RUNNING), ends_on__lt=today
    ).update(status=CampaignStatus.FINISHED, updated_at=timezone.now())
    return started + ended


# --- moments --------------------------------------------------------------------------------

MOMENT_FIELDS = (
    "name",
    "description",
    "rule",
    "month",
    "day",
    "end_month",
    "end_day",
    "offset_start",
    "offset_end",
    "start_date",
    "end_date",
    "since_year",
)


def _check_day(month: int | None, day: int | None, what: str) -> str | None:
    if month is None or day is None:
        return _("Vui lòng nhập %(what)s (ngày và tháng).") % {"what": what}
    if not 1 <= month <= 12:
        return _("Tháng %(month)s không hợp lệ (%(what)s).") % {"month": month, "what": what}
    try:
        dt.date(2024, month, day)  # a leap year: 29/2 is allowed
    except ValueError:
        return _("Ngày %(day)s/%(month)s không tồn tại (%(what)s).") % {
            "day": day,
            "month": month,
            "what": what,
        }
    return None


def _clean_moment(m: RecurringMoment) -> None:
    errors: dict[str, str] = {}
    m.name = (m.name or "").strip()
    if not m.name:
        errors["name"] = _("Vui lòng nhập tên dịp.")
    if m.rule == MomentRule.FIXED:
        problem = _check_day(m.month, m.day, _("ngày bắt đầu"))
        if problem:
            errors["day"] = problem
        if (m.end_month is None) != (m.end_day is None):
            errors["end_day"] = _(
                "Vui lòng nhập đủ cả ngày và tháng kết thúc, hoặc bỏ trống cả hai."
            )
        elif m.end_month is not None:
            problem = _check_day(m.end_month, m.end_day, _("ngày kết thúc"))
            if problem:
                errors["end_day"] = problem
            elif (m.end_month, m.end_day or 0) < (m.month or 0, m.day or 0):
                errors["end_day"] = _("Ngày kết thúc phải sau ngày bắt đầu trong cùng năm.")
    elif m.rule == MomentRule.LUNAR_NEW_YEAR:
        if not -120 <= m.offset_start <= 120 or not -120 <= m.offset_end <= 120:
            errors["offset_start"] = _("Số ngày so với mùng 1 Tết phải trong khoảng −120 đến 120.")
        elif m.offset_end < m.offset_start:
            errors["offset_end"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    elif m.rule == MomentRule.ONE_OFF:
        if m.end_date and not m.start_date:
            errors["start_date"] = _("Vui lòng nhập ngày bắt đầu.")
        elif m.start_date and m.end_date and m.end_date < m.start_date:
            errors["end_date"] = _(
                "Ngày kết thúc %(end_date)s trước ngày bắt đầu %(start_date)s."
            ) % {
                "end_date": format(m.end_date, "%d/%m/%Y"),
                "start_date": format(m.start_date, "%d/%m/%Y"),
            }
    else:
        errors["rule"] = _("Cách tính ngày không hợp lệ.")
    if errors:
        raise ValidationError(errors)


def _new_key(unit: Unit, name: str) -> str:
    base = slugify(fold(name))[:50] or "dip"
    key, n = base, 2
    while RecurringMoment.objects.filter(unit=unit, key=key).exists():
        key = f"{base}-{n}"
        n += 1
    return key


def moment_save(*, unit: Unit, actor: Any = None, key: str = "", **fields: Any) -> RecurringMoment:
    """Create a moment at ``unit``, or, with the ``key`` of an inherited one, write the
    unit's own version of it (its subtree then inherits that one)."""
    unknown = set(fields) - set(MOMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown moment fields: {sorted(unknown)}")
    moment = RecurringMoment.objects.filter(unit=unit, key=key).first() if key else None
    if moment is None:
        moment = RecurringMoment(unit=unit, key=key or _new_key(unit, fields.get("name", "")))
    for name, value in fields.items():
        setattr(moment, name, value)
    if moment.rule != MomentRule.LUNAR_NEW_YEAR:
        moment.offset_start = moment.offset_end = 0
    moment.hidden = False
    moment.updated_by = acting_user(actor)
    _clean_moment(moment)
    with transaction.atomic():
        moment.save()
        audit_record(
            action="campaign.moment_save",
            actor=actor,
            unit=unit,
            target=f"{moment.key}: {moment.name}",
        )
    return moment


def moment_hide(*, unit: Unit, key: str, name: str, actor: Any = None) -> RecurringMoment:
    """Hide a moment at ``unit`` and below (a row of its own marked hidden)."""
    with transaction.atomic():
        moment, _ = RecurringMoment.objects.update_or_create(
            unit=unit,
            key=key,
            defaults={"hidden": True, "updated_by": actor},
            create_defaults={
                "name": name,
                "rule": MomentRule.ONE_OFF,
                "hidden": True,
                "updated_by": actor,
            },
        )
        audit_record(action="campaign.moment_hide", actor=actor, unit=unit, target=f"{key}: {name}")
    return moment


def moment_reset(*, unit: Unit, key: str, actor: Any = None) -> int:
    """Drop the unit's own version of a moment so the inherited one applies again."""
    with transaction.atomic():
        deleted, _ = RecurringMoment.objects.filter(unit=unit, key=key).delete()
        if deleted:
            audit_record(action="campaign.moment_reset", actor=actor, unit=unit, target=key)
    return deleted


def moment_seed_defaults(*, unit: Unit) -> int:
    """Copy the shipped list of moments to ``unit`` (the national root) where missing."""
    existing = set(RecurringMoment.objects.filter(unit=unit).values_list("key", flat=True))
    rows = [
        RecurringMoment(unit=unit, **spec)
        for spec in DEFAULT_MOMENTS
        if spec["key"] not in existing
    ]
    RecurringMoment.objects.bulk_create(rows)
    return len(rows)
