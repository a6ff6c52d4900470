"""What the roster contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import OWN, STATE, TargetMetric, target_metrics
from lantoa.roster import metrics

# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "communicators",
        _("Cán bộ truyền thông trong danh sách"),
        _("người"),
        STATE,
        OWN,
        metrics.communicators,
        order=90,
    )
)
