"""What access contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _

from lantoa.access.rules import visible_units
from lantoa.core.extensions import PublicLink, UnitScope, public_links, unit_scopes

# The units import (lantoa.units.importing) limits an officer to the units they manage.
unit_scopes.register(UnitScope(key="unit.manage", units=partial(visible_units, perm="unit.manage")))

# The footer of every public page (templates/public_base.html).
public_links.register(
    PublicLink(
        key="access.login",
        label=_("Đăng nhập cán bộ"),
        url_name="accounts:login",
        order=100,
        place="footer",
    )
)
