"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

from dataclasses import dataclass

from lantoa.channels.models import ChannelKind
from lantoa.units.models import Unit

FB = ChannelKind.FACEBOOK_PAGE
ZALO = ChannelKind.ZALO_GROUP


@dataclass
class Extra:
    a_g4: Unit  # merged, had an active Zalo group: must not count
    a_g5: Unit  # exactly 1.000 members, only a paused fanpage: a gap
    a_g6: Unit  # 3.000 members, nothing: the biggest gap
