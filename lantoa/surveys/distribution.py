"""Getting a survey to the people who answer it, and its findings to the campaigns they inform.

"Gửi xuống cơ sở" (``survey_announce``) writes a draft content item in the unit's content: the
invitation with the unit's own response link, its QR code (a PNG in the unit's media
library, attached to the item) and the links of the units directly below, each of which
counts its sheets for itself. From there the item goes the normal way: review and approval,
publishing on the unit's channels (Zalo OA, Facebook, the newsletter, the public site: one
``Publication`` each) and a cascade down the tree, so that ``surveys`` never calls
``publishing`` or ``cascades`` (the same path as a contest's results announcement,
``lantoa.contests.results.results_announce``).

A survey names the campaigns its findings inform (``survey_link_campaigns``); a campaign's
page lists them through the ``campaign_panels`` registry (``contributions``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.campaigns.models import Campaign
from lantoa.campaigns.selectors import campaigns_of_unit
from lantoa.content.models import ContentItem, ContentKind
from lantoa.content.services import content_create, media_upload
from lantoa.surveys import services
from lantoa.surveys.models import Survey, SurveyAnnouncement
from lantoa.surveys.selectors import PUBLISHED
from lantoa.units.models import Unit
from lantoa.units.selectors import active_children

CHILD_LINKS_MAX = 200


def public_path(survey: Survey, unit: Unit) -> str:
    return reverse("surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": unit.code})


def public_url(survey: Survey, unit: Unit, base: str = "") -> str:
    """The unit's response link: on ``LANTOA_PUBLIC_URL`` when set, else on ``base`` (the
    address the officer reached the site by)."""
    root = str(settings.LANTOA_PUBLIC_URL or base).rstrip("/")
    return f"{root}{public_path(survey, unit)}"


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=2)
    return out.getvalue()


def announcement_body(survey: Survey, unit: Unit, base: str, qr_src: str = "") -> str:
    """The invitation's HTML (in Vietnamese whatever the officer's language: it goes on the
    public channels, like every content item): what the survey is for, the unit's link and QR
    code, what is kept of an answer, the deadline, and the links of the units directly below."""
    link = public_url(survey, unit, base)
    parts: list[str] = [
        format_html(
            "<p>{} mời đoàn viên, người lao động trả lời phiếu khảo sát “{}”.</p>",
            unit.name,
            survey.title,
        )
    ]
    if survey.purpose:
        parts.append(format_html("<p>{}</p>", survey.purpose))
    parts.append(
        format_html(
            "<p><strong>Trả lời trên điện thoại hoặc máy tính tại:</strong> "
            '<a href="{}">{}</a></p>',
            link,
            link,
        )
    )
    if qr_src:
        parts.append(format_html('<p><img src="{}" alt="{}"></p>', qr_src, f"Mã QR: {link}"))
    if survey.anonymous:
        parts.append(
            "<p>Phiếu ẩn danh: không lưu họ tên, số điện thoại hay địa chỉ IP của người trả "
            "lời; kết quả chỉ công bố dưới dạng số liệu tổng hợp.</p>"
        )
    if survey.closes_at:
        closes = timezone.localtime(survey.closes_at)
        parts.append(format_html("<p>Hạn trả lời: {}.</p>", f"{closes:%H:%M ngày %d/%m/%Y}"))
    children = list(active_children(unit)[:CHILD_LINKS_MAX])
    if children:
        parts.append(
            "<h2>Đường dẫn riêng của từng đơn vị</h2><p>Mỗi đơn vị dùng đường dẫn của mình để "
            "phiếu trả lời được tính cho đơn vị đó; mã QR của từng đơn vị có trên trang khảo "
            "sát trong Lan Tỏa.</p>"
        )
        parts.append(
            "<ul>"
            + format_html_join(
                "",
                '<li>{}: <a href="{}">{}</a></li>',
                (
                    (c.name, public_url(survey, c, base), public_url(survey, c, base))
                    for c in children
                ),
            )
            + "</ul>"
        )
    return "".join(str(p) for p in parts)


def survey_announce(*, survey: Survey, unit: Unit, actor: Any, base: str = "") -> ContentItem:
    """The draft invitation of ``unit`` (the survey's unit or one collecting below it) in
    the unit's content; asked again, the same item (while it exists)."""
    if survey.status not in PUBLISHED or not services.collecting_unit(survey, unit):
        raise ValidationError(
            _("Vui lòng gửi đường dẫn khi cuộc khảo sát đã được duyệt."), code="not_published"
        )
    if actor is not None and not (
        access.can(actor, "survey.view", unit) and access.can(actor, "content.edit", unit)
    ):
        raise ValidationError(
            _("Anh/chị không có quyền soạn nội dung của đơn vị này."), code="forbidden"
        )
    existing = (
        SurveyAnnouncement.objects.filter(survey=survey, unit=unit)
        .select_related("content")
        .first()
    )
    if existing is not None:
        return existing.content
    link = public_url(survey, unit, base)
    png = qr_png(link)
    with transaction.atomic():
        asset = media_upload(
            unit=unit,
            file=io.BytesIO(png),
            size=len(png),
            original_name=f"qr-{survey.slug}-{unit.code}.png",
            title=f"Mã QR khảo sát “{survey.title}” — {unit.name}"[:255],
            actor=actor,
        )
        qr_src = reverse("content:media_file", kwargs={"pk": asset.pk})
        item = content_create(
            unit=unit,
            kind=ContentKind.NEWS,
            title=f"Mời trả lời khảo sát “{survey.title}”"[:255],
            author=actor,
            summary=(
                f"{unit.name} mời đoàn viên, người lao động trả lời phiếu khảo sát "
                f"“{survey.title}”."
            )[:2000],
            body=announcement_body(survey, unit, base, qr_src),
            campaign=survey.campaigns.order_by("-starts_on").first(),
            media=[asset],
        )
        SurveyAnnouncement.objects.create(survey=survey, unit=unit, content=item)
        services._audit(survey, "announce", actor, unit=unit.code, content=item.pk)
    return item


# --- campaigns ----------------------------------------------------------------------------------


def campaign_choices(survey: Survey) -> QuerySet[Campaign]:
    """Campaigns a survey may inform: the unit's own, those from above that include it, and
    those of the units below it."""
    above_and_own = campaigns_of_unit(survey.unit).values("pk")
    return (
        Campaign.objects.filter(
            Q(pk__in=above_and_own) | Q(owner__ancestor_links__ancestor_id=survey.unit_id)
        )
        .distinct()
        .select_related("owner")
        .order_by("-starts_on", "name", "pk")
    )


def survey_link_campaigns(*, survey: Survey, campaigns: Iterable[Campaign], actor: Any) -> None:
    """Set the campaigns the survey's findings inform (replacing the previous choice)."""
    services._require(actor, "survey.manage", survey.unit)
    chosen = list(campaigns)
    allowed = set(campaign_choices(survey).values_list("pk", flat=True))
    outside = [c.name for c in chosen if c.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "campaigns": _(
                    "Vui lòng chọn chiến dịch của đơn vị, của cấp trên có đơn vị tham gia hoặc "
                    "của đơn vị trực thuộc (%(names)s không thuộc)."
                )
                % {"names": ", ".join(outside)}
            }
        )
    with transaction.atomic():
        survey.campaigns.set(chosen)
        services._audit(survey, "campaigns", actor, campaigns=[c.pk for c in chosen])
