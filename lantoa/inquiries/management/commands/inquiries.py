"""`lantoa inquiries ingest-email [TỆP]` — take one e-mail piped from the mail server (or a
.eml file) into the inquiry desk; `lantoa inquiries poll-mailbox` — fetch LANTOA_IMAP_URL once.

For an MTA pipe (Postfix ``mailbox_command``, an alias ``"|lantoa inquiries ingest-email"``):
exit 0 when stored, already stored or an automatic message skipped; exit 65 (EX_DATAERR, the
sender gets a bounce with the reason) for a message that cannot be taken; exit 75
(EX_TEMPFAIL, the mail server tries again later) when the database is unreachable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from lantoa.connectors.email.parsing import EmailRejected, EmailSkipped
from lantoa.inquiries.models import Message

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Tiếp nhận câu hỏi của người lao động: thư điện tử (ingest-email, poll-mailbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser(
            "ingest-email",
            help="Nhận một thư (định dạng .eml) từ đầu vào chuẩn hoặc từ tệp.",
        )
        ingest.add_argument("file", nargs="?", help="Tệp .eml (bỏ trống: đọc đầu vào chuẩn).")
        sub.add_parser("poll-mailbox", help="Lấy thư chưa đọc từ LANTOA_IMAP_URL một lần.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "ingest-email":
            self._ingest(opts.get("file"))
        elif opts["action"] == "poll-mailbox":
            self._poll()

    def _read(self, file: str | None) -> bytes:
        if file:
            path = Path(file)
            if not path.is_file():
                raise CommandError(
                    _("Không có tệp %(file)s.") % {"file": file}, returncode=EX_DATAERR
                )
            return path.read_bytes()
        return sys.stdin.buffer.read()

    def _ingest(self, file: str | None) -> None:
        from lantoa.connectors.email.ingest import email_ingest

        raw = self._read(file)
        try:
            received = email_ingest(raw)
        except EmailSkipped as exc:
            self.stdout.write(str(exc))
            return
        except EmailRejected as exc:
            raise CommandError(
                _("Không nhận thư: %(exc)s") % {"exc": exc}, returncode=EX_DATAERR
            ) from exc
        except (ValueError, DatabaseError) as exc:
            # The message was readable; what failed is on our side (no union unit set up yet,
            # database unreachable): the mail server keeps the message and tries again.
            reason = str(exc) if isinstance(exc, ValueError) else _("không ghi được vào CSDL")
            raise CommandError(
                _("Chưa nhận được thư (%(reason)s); máy chủ thư sẽ gửi lại sau.")
                % {"reason": reason},
                returncode=EX_TEMPFAIL,
            ) from exc
        except Exception as exc:  # reported with its type, never a silent loss
            raise CommandError(
                _("Chưa nhận được thư (%(reason)s); máy chủ thư sẽ gửi lại sau.")
                % {"reason": type(exc).__name__},
                returncode=EX_TEMPFAIL,
            ) from exc
        inquiry = Message.objects.select_related("inquiry").get(pk=received.message_id).inquiry
        if received.duplicate:
            self.stdout.write(
                _("Thư đã được nhận trước đó (hồ sơ %(inquiry_code)s).")
                % {"inquiry_code": inquiry.code}
            )
        elif received.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Đã tạo hồ sơ %(inquiry_code)s.") % {"inquiry_code": inquiry.code}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Đã thêm thư vào hồ sơ %(inquiry_code)s.") % {"inquiry_code": inquiry.code}
                )
            )

    def _poll(self) -> None:
        from lantoa.connectors.email.imap import mailbox_poll

        try:
            result = mailbox_poll()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Đã lấy %(fetched)s thư: %(stored)s thư mới, %(duplicates)s "
                "thư đã có, %(skipped)s thư tự động, %(rejected)s thư bị từ "
                "chối, %(failed)s thư lỗi."
            )
            % {
                "fetched": result.fetched,
                "stored": result.stored,
                "duplicates": result.duplicates,
                "skipped": result.skipped,
                "rejected": result.rejected,
                "failed": result.failed,
            }
        )
