"""What lantoa.reports adds to lower apps (read by CoreConfig.ready())."""

from __future__ import annotations

from lantoa.core.extensions import FiguresListener, figures_listeners
from lantoa.reports.freshness import figures_changed

# New, changed or deleted activity records void the cached dashboards of their units and of
# every unit above them.
figures_listeners.register(FiguresListener(key="reports.dashboard_cache", changed=figures_changed))
