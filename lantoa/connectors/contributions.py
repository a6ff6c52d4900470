"""What the connectors contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.connectors.processing import INBOUND_EVENTS
from lantoa.core.extensions import job_kinds

job_kinds.register(INBOUND_EVENTS)
