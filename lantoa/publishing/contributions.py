"""What publishing contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.core.extensions import job_kinds
from lantoa.publishing.runner import PUBLICATIONS

job_kinds.register(PUBLICATIONS)
