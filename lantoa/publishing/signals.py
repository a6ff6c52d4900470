"""Signals publishing sends, for the apps above it that must react without publishing naming
them.

``site_published``: a publication on the public site went out (sent after commit, with the
``publication``). The public site (``lantoa.publicsite.contributions``) drops its cached pages.
"""

from __future__ import annotations

from django.dispatch import Signal

site_published = Signal()
