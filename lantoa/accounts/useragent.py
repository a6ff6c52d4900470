"""What a browser's User-Agent says, in words an officer recognises ("Chrome 120 · Windows 10")."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _
from ua_parser import parse


@lru_cache(maxsize=512)
def _parts(user_agent: str) -> tuple[str, str, str]:
    found = parse(user_agent)
    browser = os_name = device = ""
    if found.user_agent is not None and found.user_agent.family != "Other":
        browser = " ".join(p for p in (found.user_agent.family, found.user_agent.major) if p)
    if found.os is not None and found.os.family != "Other":
        os_name = " ".join(p for p in (found.os.family, found.os.major) if p)
    if found.device is not None and found.device.family not in ("Other", "Spider"):
        device = found.device.family
    return browser, os_name, device


def describe(user_agent: str) -> str:
    """Browser, system and device where known; "Trình duyệt không rõ" when nothing is."""
    browser, os_name, device = _parts(user_agent[:300])
    if device and device in os_name:
        device = ""
    words = " · ".join(p for p in (browser, os_name) if p)
    if device:
        words = f"{words} ({device})" if words else device
    return words or _("Trình duyệt không rõ")
