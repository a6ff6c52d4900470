"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lantoa.campaigns import services
from lantoa.campaigns.models import Campaign
from lantoa.units.models import Unit


def make_campaign(owner: Unit, actor: Any = None, **kw: Any) -> Campaign:
    values = {
        "name": "Tháng Công nhân 2026",
        "starts_on": dt.date(2026, 5, 1),
        "ends_on": dt.date(2026, 5, 31),
    } | kw
    return services.campaign_create(owner=owner, actor=actor, **values)
