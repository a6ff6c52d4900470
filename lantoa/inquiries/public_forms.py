"""Forms of the public inquiry desk (no login): the question form, the lookup form and the
follow-up message. The officers' forms live elsewhere."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lantoa.core.phone import normalise_phone
from lantoa.core.text import format_int
from lantoa.inquiries.models import Kind
from lantoa.kb.models import Category

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTION_MIN = 10
QUESTION_MAX = 5000
FOLLOW_UP_MAX = 5000

# The field a human never sees (hidden by CSS, skipped by keyboard and screen readers); a
# script that fills every input fills it.
HONEYPOT = "homepage"

_SIGNING_SALT = "lantoa.inquiries.form-started"
# A form left open longer than this is re-armed with a fresh token (the worker just sends
# again), so a harvested token cannot be replayed forever.
_TOKEN_MAX_AGE = 24 * 3600

IDENTITY_CONTACT = "contact"
IDENTITY_ANONYMOUS = "anonymous"


def form_token(at: float | None = None) -> str:
    """A signed note of when the form was shown (milliseconds)."""
    started = time.time() if at is None else at
    return signing.Signer(salt=_SIGNING_SALT).sign(str(int(started * 1000)))


def token_started_at(token: str) -> float | None:
    """When a valid token was issued (seconds), or None when tampered with or missing."""
    try:
        raw = signing.Signer(salt=_SIGNING_SALT).unsign(token or "")
        return int(raw) / 1000
    except (signing.BadSignature, ValueError):
        return None


def _length_error(text: str, *, low: int, high: int) -> ValidationError | None:
    n = len(text)
    if n < low:
        return ValidationError(
            _(
                "Nội dung quá ngắn: cần ít nhất %(min)s ký tự để cán bộ hiểu được vấn đề "
                "(bạn mới nhập %(n)s)."
            )
            % {"min": format_int(low), "n": format_int(n)},
            code="min_length",
        )
    if n > high:
        return ValidationError(
            _(
                "Nội dung quá dài: tối đa %(max)s ký tự (bạn đã nhập %(n)s). Vui lòng "
                "tóm tắt, phần "
                "còn lại có thể gửi thêm ở trang tra cứu."
            )
            % {"max": format_int(high), "n": format_int(n)},
            code="max_length",
        )
    return None


class InquiryForm(forms.Form):
    question = forms.CharField(
        label=_("Bạn cần hỏi, phản ánh điều gì?"),
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "maxlength": QUESTION_MAX,
                "placeholder": _(
                    "Kể rõ sự việc: chuyện gì, từ khi nào, bao nhiêu người bị ảnh hưởng…"
                ),
            }
        ),
        error_messages={"required": _("Vui lòng nhập nội dung câu hỏi hoặc phản ánh.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại yêu cầu"),
        choices=Kind.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Loại yêu cầu không hợp lệ.")},
    )
    category = forms.ChoiceField(
        label=_("Lĩnh vực"),
        choices=[("", _("— Chưa rõ / không chọn —")), *Category.choices],
        required=False,
        error_messages={"invalid_choice": _("Lĩnh vực không hợp lệ.")},
    )
    workplace = forms.CharField(
        label=_("Nơi làm việc"),
        required=False,
        max_length=255,
        help_text=_("Tên doanh nghiệp, khu công nghiệp hoặc xã, phường — để chuyển đúng nơi."),
        widget=forms.TextInput(
            attrs={"placeholder": _("Ví dụ: Công ty TNHH May Ánh Dương, KCN Yên Bình")}
        ),
        error_messages={"max_length": _("Nơi làm việc: tối đa 255 ký tự.")},
    )
    identity = forms.ChoiceField(
        label=_("Cách nhận trả lời"),
        choices=[
            (IDENTITY_CONTACT, _("Để lại số điện thoại hoặc thư điện tử")),
            (IDENTITY_ANONYMOUS, _("Gửi ẩn danh — không để lại thông tin cá nhân")),
        ],
        initial=IDENTITY_CONTACT,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn để lại liên hệ hoặc gửi ẩn danh."),
            "invalid_choice": _("Vui lòng chọn để lại liên hệ hoặc gửi ẩn danh."),
        },
    )
    name = forms.CharField(
        label=_("Họ tên (không bắt buộc)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Họ tên: tối đa 150 ký tự.")},
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": "0912 345 678",
            }
        ),
        error_messages={"max_length": _("Số điện thoại không hợp lệ: quá dài.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "ten@gmail.com"}),
        error_messages={
            "invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@gmail.com)."),
            "max_length": _("Địa chỉ thư điện tử quá dài."),
        },
    )
    email_updates = forms.BooleanField(
        label=_("Gửi mã tra cứu, mã bí mật và câu trả lời vào thư điện tử của tôi"),
        help_text=_(
            "Thư không chứa nội dung câu hỏi. Công đoàn không nhắn được Zalo cho số điện "
            "thoại của bạn khi bạn chưa quan tâm (theo dõi) Zalo OA của Công đoàn, nên mã và "
            "câu trả lời chỉ gửi được qua thư điện tử. Muốn hỏi qua Zalo, bạn hãy quan tâm "
            "Zalo OA của Công đoàn rồi nhắn tin ở đó."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để Công đoàn xử lý thông tin liên hệ của tôi nhằm trả lời câu hỏi này, "
            "theo Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15)."
        ),
        required=False,
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token = ""

    @property
    def token(self) -> str:
        """The timing token to render: the one sent back while still valid, else a new one."""
        if not self._token:
            sent = str(self.data.get("started", "")) if self.is_bound else ""
            at = token_started_at(sent)
            fresh = at is not None and time.time() - at <= _TOKEN_MAX_AGE
            self._token = sent if fresh else form_token()
        return self._token

    def clean_question(self) -> str:
        text = str(self.cleaned_data.get("question", "")).strip()
        error = _length_error(text, low=QUESTION_MIN, high=QUESTION_MAX)
        if error is not None:
            raise error
        return text

    def clean_phone(self) -> str:
        raw = str(self.cleaned_data.get("phone", "")).strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not phone:
            raise ValidationError(
                _(
                    "Số điện thoại không hợp lệ. Vui lòng nhập số Việt Nam gồm 10 chữ "
                    "số bắt đầu bằng 0 "
                    "(ví dụ 0912 345 678) hoặc dạng +84 912 345 678."
                ),
                code="invalid",
            )
        return phone

    def clean_email(self) -> str:
        return str(self.cleaned_data.get("email", "")).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_timing()
        if data.get("identity") == IDENTITY_ANONYMOUS:
            # Nothing that identifies the worker survives, whatever was typed before the
            # choice changed.
            data.update(name="", phone="", email="", consent=False, email_updates=False)
            for field in ("name", "phone", "email", "consent", "email_updates"):
                self.errors.pop(field, None)
            return data
        if data.get("identity") != IDENTITY_CONTACT:
            return data
        has_phone_error = "phone" in self.errors or "email" in self.errors
        if not has_phone_error and not data.get("phone") and not data.get("email"):
            self.add_error(
                "phone",
                ValidationError(
                    _(
                        "Vui lòng nhập số điện thoại hoặc thư điện tử để nhận trả lời, hoặc "
                        "chọn “Gửi ẩn danh”."
                    ),
                    code="contact_required",
                ),
            )
        if data.get("email_updates") and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                ValidationError(
                    _(
                        "Vui lòng nhập địa chỉ thư điện tử để nhận mã và câu trả lời qua thư "
                        "(hoặc bỏ chọn ô gửi qua thư)."
                    ),
                    code="email_required",
                ),
            )
        if not data.get("consent"):
            self.add_error(
                "consent",
                ValidationError(
                    _(
                        "Vui lòng đồng ý cho Công đoàn xử lý thông tin liên hệ để trả lời "
                        "(hoặc chọn “Gửi ẩn danh”)."
                    ),
                    code="consent_required",
                ),
            )
        return data

    def _check_timing(self) -> None:
        sent = str(self.data.get("started", ""))
        at = token_started_at(sent)
        if at is None or time.time() - at > _TOKEN_MAX_AGE:
            # Tampered with, missing, or left open for a day: the form re-renders with a new
            # token and the worker sends again.
            self.add_error(
                None,
                ValidationError(
                    _("Trang đã mở quá lâu. Vui lòng kiểm tra lại nội dung và bấm “Gửi” lần nữa."),
                    code="stale",
                ),
            )
            return
        if time.time() - at < float(settings.LANTOA_INQUIRY_MIN_FILL_SECONDS):
            self.add_error(
                None,
                ValidationError(
                    _("Bạn gửi hơi nhanh. Vui lòng đọc lại nội dung rồi bấm “Gửi” lần nữa."),
                    code="too_fast",
                ),
            )

    def contacts(self) -> list[str]:
        """Phone and e-mail given (normalised), for the per-contact limit."""
        return [v for v in (self.cleaned_data.get("phone"), self.cleaned_data.get("email")) if v]


def _code_field(
    label: StrOrPromise,
    *,
    example: str,
    required: StrOrPromise,
    invalid: StrOrPromise,
) -> forms.CharField:
    """A short code typed from paper or a screenshot: no autocomplete, no spell-checking,
    capitals on the phone keyboard."""
    return forms.CharField(
        label=label,
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": example,
            }
        ),
        error_messages={"required": required, "max_length": invalid},
    )


class LookupForm(forms.Form):
    code = _code_field(
        _("Mã tra cứu"),
        example="HD-7K3M-9QX2",
        required=_("Vui lòng nhập mã tra cứu (ví dụ HD-7K3M-9QX2)."),
        invalid=_("Mã tra cứu không hợp lệ."),
    )
    secret = _code_field(
        _("Mã bí mật"),
        example="ABCD-2345",
        required=_("Vui lòng nhập mã bí mật được cấp cùng mã tra cứu."),
        invalid=_("Mã bí mật không hợp lệ."),
    )


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label=_("Gửi thêm thông tin hoặc câu hỏi"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": FOLLOW_UP_MAX}),
        error_messages={"required": _("Vui lòng nhập nội dung tin nhắn.")},
    )

    def clean_body(self) -> str:
        text = str(self.cleaned_data.get("body", "")).strip()
        error = _length_error(text, low=2, high=FOLLOW_UP_MAX)
        if error is not None:
            raise error
        return text
