"""/khoa-api/: an officer's own API tokens (list, create, revoke)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from lantoa.access import OFFICER, policy
from lantoa.accounts.models import ApiToken, TokenScope
from lantoa.api.selectors import apitoken_list
from lantoa.api.services import TOKEN_NAME_MAX, apitoken_create, apitoken_revoke

EXPIRY_CHOICES = [
    ("90", gettext_lazy("Sau 90 ngày")),
    ("30", gettext_lazy("Sau 30 ngày")),
    ("365", gettext_lazy("Sau 1 năm")),
    ("", gettext_lazy("Không hết hạn")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên khóa"),
        max_length=TOKEN_NAME_MAX,
        help_text=gettext_lazy("Ví dụ: tên hệ thống sẽ dùng khóa này."),
    )
    expires_in = forms.ChoiceField(
        label=gettext_lazy("Hết hạn"), choices=EXPIRY_CHOICES, required=False
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Phạm vi"),
        choices=[
            (TokenScope.READ, gettext_lazy("Chỉ đọc (GET): xem dữ liệu, không sửa được gì")),
            (TokenScope.WRITE, gettext_lazy("Đọc và ghi: mọi việc anh/chị làm được qua API")),
        ],
        initial=TokenScope.READ,
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


def _page(
    request: HttpRequest, form: TokenForm, raw: str | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": apitoken_list(user=request.user),  # type: ignore[arg-type]
            "raw_token": raw,
            "now": timezone.now(),
        },
        status=status,
    )


@policy(OFFICER)
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _, raw = apitoken_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                scope=form.cleaned_data["scope"],
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Rendered, not redirected: the raw token must never be stored, not even in
            # the session for a one-time message.
            return _page(request, TokenForm(), raw=raw)
    return _page(request, form, status=400)


@policy(OFFICER)
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    apitoken_revoke(token=token, actor=request.user, request=request)
    messages.success(request, gettext("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("apitokens:list")
