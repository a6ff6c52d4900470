"""What the inquiry desk contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.core.extensions import job_kinds
from lantoa.inquiries.outbox import OUTBOUND_REPLIES

job_kinds.register(OUTBOUND_REPLIES)
