"""Officers' collection screens beyond the paper entry form: sheets waiting for their second
keying or a third look (double keying, ``lantoa.surveys.paper``), importing responses from a
file (``lantoa.surveys.importing``), "Gửi xuống cơ sở" and the campaigns a survey informs
(``lantoa.surveys.distribution``). Thin adapters, like ``views``."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core import tabular
from lantoa.core.text import format_int
from lantoa.surveys import distribution, forms, importing, paper, selectors
from lantoa.surveys.models import PaperSheet, SheetStatus
from lantoa.surveys.views import _back, _context, _entry_units, _errors_to_messages, _load


def _with_unit(url: str, ctx: dict[str, Any]) -> str:
    return url + ctx["unit_param"]


# --- double keying ------------------------------------------------------------------------------


def _sheets_in_scope(request: HttpRequest, survey: Any, unit: Any) -> Any:
    scope = access.visible_units(request.user, "survey.enter").values("pk")
    return (
        PaperSheet.objects.filter(
            survey=survey, unit__ancestor_links__ancestor_id=unit.pk, unit_id__in=scope
        )
        .select_related("unit", "first_by", "second_by")
        .order_by("status", "created_at", "pk")
    )


@policy(officer("survey.enter"))
@require_GET
def sheets(request: HttpRequest, pk: int) -> HttpResponse:
    """Sheets keyed once (waiting for the second keying) and those whose keyings differ."""
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "sheets")
    if not ctx["can_enter"]:
        raise PermissionDenied
    found = list(_sheets_in_scope(request, survey, unit)[:500])
    rows = [
        {
            "sheet": s,
            "differs": sum(1 for d in paper.differences(s) if d.differs)
            if s.status == SheetStatus.MISMATCH
            else None,
        }
        for s in found
    ]
    return render(request, "surveys/sheets.html", {**ctx, "rows": rows})


@policy(officer("survey.enter"))
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    """One sheet's two keyings side by side, and the form of the third look (filled with the
    first keying) that accepts it; or drop it."""
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "sheets")
    found = _sheets_in_scope(request, survey, unit).filter(pk=sid).first()
    if found is None:
        raise Http404
    list_url = _with_unit(reverse("surveys:sheets", kwargs={"pk": pk}), ctx)
    questions = list(survey.current_version().questions.select_related("section"))
    units = _entry_units(request, survey, unit)
    chosen = found.unit.code
    values = forms.keyed_values(questions, found.first)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.POST.get("action") == "huy":
            paper.sheet_discard(sheet=found, actor=request.user)
            messages.success(
                request, _("Đã bỏ các lần nhập của phiếu %(code)s.") % {"code": found.code}
            )
            return redirect(list_url)
        chosen = request.POST.get("unit") or chosen
        values = forms.field_values(questions, request.POST)
        target = next((u for u in units if u.code == chosen), None)
        try:
            if target is None:
                raise ValidationError({"unit": _("Vui lòng chọn đơn vị của phiếu.")})
            paper.sheet_resolve(
                sheet=found,
                unit=target,
                answers=forms.raw_answers(questions, request.POST),
                actor=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("Vui lòng sửa các chỗ được đánh dấu rồi lưu lại."))
        else:
            messages.success(
                request, _("Đã chốt phiếu %(code)s; phiếu được tính.") % {"code": found.code}
            )
            return redirect(list_url)
    return render(
        request,
        "surveys/sheet.html",
        {
            **ctx,
            "sheet": found,
            "differences": paper.differences(found) if found.status == SheetStatus.MISMATCH else [],
            "units": units,
            "chosen": chosen,
            "blocks": forms.questionnaire_blocks(
                questions, values, errors, units=forms.unit_choices(survey, questions)
            ),
            "general_errors": errors.get("__all__", []) + errors.get("unit", []),
            "code_errors": errors.get("code", []),
            "list_url": list_url,
        },
    )


# --- import from a file ---------------------------------------------------------------------


class ImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=gettext_lazy("Tệp phiếu trả lời (.xlsx hoặc .csv)"),
        help_text=gettext_lazy("Một dòng một phiếu; cột theo tệp mẫu bên dưới."),
    )


@policy(officer("survey.enter"))
@require_http_methods(["GET", "POST"])
def import_responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    ctx = _context(request, survey, unit, "import")
    if not ctx["can_enter"]:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importing.responses_import(
            survey=survey,
            fileobj=upload,
            filename=upload.name,
            size=upload.size,
            actor=request.user,
        )
        if result.ok:
            messages.success(request, result.summary_text())
            return _back(pk, unit, survey, "surveys:import")
    sheet, _columns = importing.sheet_of(survey)
    return render(
        request,
        "surveys/import.html",
        {
            **ctx,
            "form": form,
            "result": result,
            "errors": result.errors[: tabular.ERRORS_SHOWN] if result else [],
            "more_errors": max(0, len(result.errors) - tabular.ERRORS_SHOWN) if result else 0,
            "columns": [sheet.labels[k] for k in sheet.columns],
            "error_count": format_int(len(result.errors)) if result else "0",
        },
    )


@policy(officer("survey.enter"))
@require_GET
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    if not _context(request, survey, unit, "import")["can_enter"]:
        raise PermissionDenied
    response = HttpResponse(importing.template_bytes(survey), content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{survey.slug}.xlsx"'
    return response


# --- distribution and campaigns -------------------------------------------------------------


@policy(officer("content.edit"))
@require_POST
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Gửi xuống cơ sở": the draft invitation of the viewing unit, then its content page
    (submit for approval, publish, cascade)."""
    survey, unit = _load(request, pk)
    access.require(request.user, "content.edit", unit)
    try:
        item = distribution.survey_announce(
            survey=survey,
            unit=unit,
            actor=request.user,
            base=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return _back(pk, unit, survey)
    messages.success(
        request,
        _(
            "Đã soạn tin mời trả lời khảo sát kèm đường dẫn và mã QR của %(unit)s; gửi duyệt, "
            "đăng lên các kênh và triển khai xuống cơ sở từ trang nội dung này."
        )
        % {"unit": unit.name},
    )
    return redirect("content:detail", pk=item.pk)


@policy(officer("survey.manage"))
@require_POST
def link_campaigns(request: HttpRequest, pk: int) -> HttpResponse:
    survey, unit = _load(request, pk)
    if not _context(request, survey, unit, "detail")["can_manage"]:
        raise PermissionDenied
    wanted = {int(v) for v in request.POST.getlist("campaigns") if v.isdecimal()}
    choices = {c.pk: c for c in distribution.campaign_choices(survey)}
    if wanted - set(choices):
        raise Http404
    try:
        distribution.survey_link_campaigns(
            survey=survey, campaigns=[choices[i] for i in sorted(wanted)], actor=request.user
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Đã lưu các chiến dịch mà khảo sát phục vụ."))
    return _back(pk, unit, survey)


def campaign_panel(request: Any, campaign: Any) -> dict[str, Any]:
    """The surveys informing ``campaign`` that the user may see, from the unit they see each
    one from, with the sheets collected there (``campaign_panels``)."""
    found = []
    for survey in campaign.surveys.select_related("unit").order_by("-created_at")[:50]:
        try:
            unit = selectors.viewing_unit(request.user, survey)
        except Http404:
            continue
        found.append(
            {
                "survey": survey,
                "unit": unit,
                "responses": selectors.responses_in(survey, unit).count(),
                "param": "" if unit.pk == survey.unit_id else f"?don-vi={unit.code}",
            }
        )
    return {"surveys": found}
