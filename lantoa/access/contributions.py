"""What access contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from functools import partial

from lantoa.access.rules import visible_units
from lantoa.core.extensions import UnitScope, unit_scopes

# The units import (lantoa.units.importing) limits an officer to the units they manage.
unit_scopes.register(UnitScope(key="unit.manage", units=partial(visible_units, perm="unit.manage")))
