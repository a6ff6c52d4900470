from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.demo import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = (
        "In mã TOTP hiện tại của một tài khoản trình diễn (chỉ tài khoản do `lantoa demo` "
        "tạo). Prints the current TOTP code of a demo account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=opts["username"], name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                _("“%(username)s” không phải tài khoản trình diễn có xác thực hai lớp.")
                % {"username": opts["username"]}
            )
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
