"""What campaigns contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.campaigns import metrics
from lantoa.core.extensions import COUNT, OWN, TargetMetric, target_metrics

# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "campaigns",
        _("Chiến dịch truyền thông"),
        _("chiến dịch"),
        COUNT,
        OWN,
        metrics.campaigns_started,
        order=30,
    )
)
