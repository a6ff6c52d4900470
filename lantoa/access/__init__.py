"""Who may see and do what (``rules``), and the screens of who you are, what you may do and
what was done: sign-in, two-factor and password (``views``, URL namespace ``accounts``), officers
and their roles (``views``, ``services``), the audit log (``audit_views``, namespace ``audit``)
and the back office (``admin_site``).

``from lantoa import access`` / ``from lantoa.access import policy …`` give the rules of
``lantoa.access.rules``. They are looked up on first use, not imported here, because Django
imports this package as an app before the models (which the rules need) are loaded.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lantoa.access.rules import ALL_ROLES as ALL_ROLES
    from lantoa.access.rules import EDITORS as EDITORS
    from lantoa.access.rules import LOGIN_FLOW as LOGIN_FLOW
    from lantoa.access.rules import OFFICER as OFFICER
    from lantoa.access.rules import PERMISSIONS as PERMISSIONS
    from lantoa.access.rules import PUBLIC as PUBLIC
    from lantoa.access.rules import AnyUser as AnyUser
    from lantoa.access.rules import Policy as Policy
    from lantoa.access.rules import api_policy as api_policy
    from lantoa.access.rules import can as can
    from lantoa.access.rules import can_from_above as can_from_above
    from lantoa.access.rules import get_unit as get_unit
    from lantoa.access.rules import home_unit as home_unit
    from lantoa.access.rules import memberships as memberships
    from lantoa.access.rules import officer as officer
    from lantoa.access.rules import permissions_at as permissions_at
    from lantoa.access.rules import permitted_unit_ids as permitted_unit_ids
    from lantoa.access.rules import policy as policy
    from lantoa.access.rules import require as require
    from lantoa.access.rules import requires_two_factor as requires_two_factor
    from lantoa.access.rules import roles_at as roles_at
    from lantoa.access.rules import sees_everything as sees_everything
    from lantoa.access.rules import visible_units as visible_units
else:

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        rules = import_module("lantoa.access.rules")
        try:
            return getattr(rules, name)
        except AttributeError:
            raise AttributeError(f"module 'lantoa.access' has no attribute {name!r}") from None
