"""What the public site hooks into lower apps (imported by ``CoreConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import PublicLink, public_links
from lantoa.publicsite.cache import site_changed
from lantoa.publishing.signals import site_published


def _site_published(sender: Any, **kwargs: Any) -> None:
    site_changed()


site_published.connect(_site_published, dispatch_uid="publicsite.cache")

# The header and footer of every public page (templates/public_base.html).
public_links.register(
    PublicLink(key="publicsite.news", label=_("Tin tức"), url_name="publicsite:news", order=10)
)
public_links.register(
    PublicLink(
        key="publicsite.campaigns",
        label=_("Chiến dịch"),
        url_name="publicsite:campaigns",
        order=10,
        place="footer",
    )
)
public_links.register(
    PublicLink(
        key="publicsite.rss", label="RSS", url_name="publicsite:rss", order=90, place="footer"
    )
)
