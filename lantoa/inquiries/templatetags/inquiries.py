"""Template helpers of the inquiry screens: ``{% load inquiries %}``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantoa import access
from lantoa.core.messages import stored_text
from lantoa.core.text import mask_personal_data, visible_text
from lantoa.inquiries.intake import URGENCY_LABELS
from lantoa.units.models import Unit

register = template.Library()

SOURCE_ICONS = {
    "web": "🌐",
    "zalo": "💬",
    "facebook": "📘",
    "email": "✉️",
    "hotline": "☎️",
    "walk_in": "🏢",
}


def span_text(delta: dt.timedelta) -> str:
    """A duration in words at a sensible precision: "45 phút", "3 giờ", "2 ngày 5 giờ"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return ngettext("%(n)s phút", "%(n)s phút", max(minutes, 1)) % {"n": max(minutes, 1)}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        text = ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours}
        if hours < 3 and minutes:
            text += " " + ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes}
        return text
    days, hours = divmod(hours, 24)
    text = ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days}
    if days < 3 and hours:
        text += " " + ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours}
    return text


@register.filter
def duration_vn(value: dt.timedelta | None) -> str:
    return "—" if value is None else span_text(value)


@register.simple_tag
def due_label(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "còn 5 giờ" before the deadline, "quá hạn 3 giờ" after it, "" without one."""
    if due is None:
        return ""
    now = now or timezone.now()
    if due >= now:
        return _("còn %(span)s") % {"span": span_text(due - now)}
    return _("quá hạn %(span)s") % {"span": span_text(now - due)}


@register.simple_tag
def wait_label(inquiry: Any, now: dt.datetime) -> str:
    """The row's clock: "quá hạn 3 giờ" once the worker waits past the promise (escalated
    cases included), "còn 5 giờ" before, "" when nobody is waiting."""
    from lantoa.inquiries.selectors import overdue_since

    late = overdue_since(inquiry, now)
    if late is not None:
        return _("quá hạn %(span)s") % {"span": span_text(now - late)}
    return due_label(inquiry.reply_due, now)


@register.filter
def is_overdue(inquiry: Any, now: dt.datetime) -> bool:
    from lantoa.inquiries.selectors import overdue_since

    return overdue_since(inquiry, now) is not None


@register.filter
def source_icon(source: str) -> str:
    return SOURCE_ICONS.get(source, "•")


@register.filter
def urgency_labels(reasons: list[str] | None) -> str:
    return ", ".join(_(URGENCY_LABELS[r]) for r in reasons or [] if r in URGENCY_LABELS)


@register.inclusion_tag("inquiries/_unit_links.html", takes_context=True)
def inquiry_unit_links(
    context: dict[str, Any], unit: Unit, style: str = "buttons"
) -> dict[str, Any]:
    """Links from a unit's pages to its inquiry desk, for the permissions the officer holds."""
    held = access.permissions_at(context["request"].user, unit)
    return {
        "unit": unit,
        "style": style,
        "can_view": "inquiry.view" in held,
        "can_handle": "inquiry.handle" in held,
        "can_report": "inquiry.report" in held,
        "can_settings": "inquiry.settings" in held,
    }


@register.filter
def worker_text(value: Any, sees_contact: bool = False) -> str:
    """Text a worker (or their platform) supplied — a message, a summary, a file name, a
    name — for an officer's screen: invisible direction and zero-width characters dropped,
    and, unless ``sees_contact`` (the officer may see the worker's contact,
    ``lantoa.inquiries.privacy``), the phone numbers, e-mail addresses and ID numbers in it
    masked. Masking is the default: a page that forgets to say shows the masked text."""
    text = "" if value is None else str(value)
    return visible_text(text) if sees_contact is True else mask_personal_data(text)


@register.filter
def shown_text(value: Any) -> str:
    """Text for the worker's own pages (and any other page showing what someone typed):
    invisible direction and zero-width characters dropped, nothing masked."""
    return visible_text("" if value is None else str(value))


@register.filter
def safe_url(url: str | None) -> str:
    """An attachment link from a platform, only when it is plain http(s): a ``javascript:``
    URL in a crafted payload must not become a clickable link."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def _choice(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else _("(chưa phân loại)")


@register.simple_tag
def event_detail(event: Any) -> str:
    """The words after an event's label on the case timeline (no personal data is stored in
    events, so none can show here)."""
    from lantoa.inquiries.models import Kind, Source
    from lantoa.kb.models import Category

    data = event.data or {}
    kind = event.kind
    if kind == "created":
        return _choice(Source.choices, data.get("source", ""))
    if kind == "assigned":
        return data.get("name") or _("bỏ phân công")
    if kind == "reassigned":
        text = _("từ %(a)s sang %(b)s") % {
            "a": data.get("from_name", "?"),
            "b": data.get("to_name", "?"),
        }
        return f"{text} — {data['note']}" if data.get("note") else text
    if kind == "escalated":
        name = event.unit.name if event.unit else "?"
        return _("lên %(unit)s (lần %(n)s)") % {"unit": name, "n": data.get("level", 1)}
    if kind == "warned":
        left = int(data.get("left_min", 0))
        return _("còn %(span)s") % {"span": span_text(dt.timedelta(minutes=left))}
    if kind == "categorised":
        category = _choice(Category.choices, data.get("category", ""))
        return f"{category} · {_choice(Kind.choices, data.get('kind', ''))}"
    if kind == "reply_failed":
        return stored_text(data.get("error_text"), data.get("error", ""))
    return ""
