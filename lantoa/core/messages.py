"""Texts stored as they were made, so that each reader sees them in their language.

A ``Text`` is a msgid (marked with ``gettext_noop``) and its named parameters. ``text_store``
turns it into JSON for a model field; ``text_render`` translates it in the active language.
A parameter is shown as written (``str``), or, when it depends on the language itself:

* another ``Text`` (a phrase of the message), translated in turn;
* ``Phrase`` — a translatable label without parameters (a lazy ``gettext_lazy`` label:
  ``Phrase.of(label)``), optionally in lower case;
* ``Lines`` — texts, one per line (or joined with another separator);
* ``Num`` — a whole number with the reader's thousands separator ("1.174", "1,174");
* a ``Period`` — its name in the reader's language ("quý II năm 2026", "Q2 2026");
* a text already stored (``text_store``'s JSON), e.g. a row's stored error quoted in another.

Error texts stored on rows (a publication's, a reply's, a connection's, a job's) keep the text
in the site's language in their string field and the ``Text`` beside it in a JSON field
(``…_text``); ``stored_text`` shows the JSON in the reader's language and falls back to the
string (rows written before the JSON field, or a text that cannot be shown).

Rendering never fails: a catalog entry that lost a parameter, or a value this module cannot
read, gives back ``None`` so that callers show the text stored in the site's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language, gettext

from lantoa.core.periods import Period, PeriodError, parse_period
from lantoa.core.text import format_int, format_percent


class Text(NamedTuple):
    """A text as a msgid (marked with ``gettext_noop``) and its named parameters."""

    msgid: str
    params: dict[str, Any]


class Phrase(NamedTuple):
    """A translatable label without parameters (its msgid), optionally in lower case."""

    msgid: str
    lower: bool = False

    @classmethod
    def of(cls, label: Any, *, lower: bool = False) -> Phrase:
        """The phrase of a lazy label: its text in the site's language is its msgid, the
        source language being the site's (no catalog of its own)."""
        with translation.override(settings.LANGUAGE_CODE):
            return cls(str(label), lower)


class Lines(NamedTuple):
    """Texts shown one per line (or joined with ``sep``)."""

    items: tuple[Text | Phrase | str, ...]
    sep: str = "\n"

    @classmethod
    def of(cls, items: Iterable[Text | Phrase | str], sep: str = "\n") -> Lines:
        return cls(tuple(items), sep)


class Num(NamedTuple):
    """A whole number, shown with the reader's thousands separator."""

    value: int


class Dec(NamedTuple):
    """A decimal shown with ``places`` decimals in the reader's notation ("2,4" / "2.4"), as a
    percentage of a ratio when ``percent`` ("95,0%" / "95.0%")."""

    value: float
    places: int = 1
    percent: bool = False


def _decimal_text(value: float, places: int, percent: bool) -> str:
    if (get_language() or "vi").startswith("vi"):
        if percent:
            return format_percent(value, places)
        whole, _, frac = f"{value:.{places}f}".partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = format_int(abs(int(whole)))
        return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"
    if percent:
        return f"{value * 100:,.{places}f}%"
    return f"{value:,.{places}f}"


def _store_value(value: Any) -> Any:
    if isinstance(value, Text):
        return text_store(value)
    if isinstance(value, dict) and "msgid" in value:
        return value  # a text stored already
    if isinstance(value, Phrase):
        return {"phrase": value.msgid, "lower": value.lower}
    if isinstance(value, Lines):
        return {"lines": [_store_value(item) for item in value.items], "sep": value.sep}
    if isinstance(value, Num):
        return {"num": int(value.value)}
    if isinstance(value, Dec):
        return {"dec": float(value.value), "places": value.places, "pct": value.percent}
    if isinstance(value, Period):
        return {"period": value.code}
    return str(value)


def text_store(text: Text) -> dict[str, Any]:
    """``text`` as JSON: {"msgid": …, "params": {name: str or a tagged value}}."""
    return {
        "msgid": text.msgid,
        "params": {key: _store_value(value) for key, value in text.params.items()},
    }


def _render_value(value: Any) -> str:
    if isinstance(value, dict):
        if "msgid" in value:
            shown = text_render(value)
            if shown is None:
                raise ValueError("unreadable phrase")
            return shown
        if "phrase" in value:
            shown = gettext(str(value["phrase"]))
            return shown.lower() if value.get("lower") else shown
        if "lines" in value:
            sep = str(value.get("sep", "\n"))
            return sep.join(_render_value(item) for item in value["lines"])
        if "num" in value:
            number = int(value["num"])
            if (get_language() or "vi").startswith("vi"):
                return format_int(number)
            return f"{number:,}"
        if "dec" in value:
            return _decimal_text(
                float(value["dec"]), int(value.get("places", 1)), bool(value.get("pct"))
            )
        if "period" in value:
            return parse_period(str(value["period"])).name
        raise ValueError("unknown parameter")
    return str(value)


def render_params(params: dict[str, Any]) -> dict[str, str]:
    """Stored parameters in the active language (``ValueError`` when one is unreadable)."""
    try:
        return {key: _render_value(value) for key, value in params.items()}
    except (PeriodError, TypeError, KeyError) as exc:
        raise ValueError(str(exc)) from exc


def text_render(stored: dict[str, Any] | None) -> str | None:
    """A stored text in the active language; ``None`` when it cannot be shown."""
    if not stored or not stored.get("msgid"):
        return None
    try:
        return gettext(stored["msgid"]) % render_params(stored.get("params") or {})
    except (KeyError, TypeError, ValueError):  # a catalog entry that lost a parameter
        return None


def stored_text(stored: Any, fallback: Any = "") -> str:
    """A stored text (``text_store``'s JSON) in the active language; ``fallback`` (the string
    stored beside it, in the site's language) when there is none or it cannot be read."""
    if isinstance(stored, dict):
        try:
            shown = text_render(stored)
        except (AttributeError, KeyError, TypeError, ValueError):  # a malformed JSON value
            shown = None
        if shown is not None:
            return shown
    return "" if fallback is None else str(fallback)


def text_pair(text: Text) -> tuple[str, dict[str, Any]]:
    """``text`` in the site's language and as JSON: what an error field and its ``…_text``
    field store."""
    return text_in_site_language(text), text_store(text)


def text_in_site_language(text: Text) -> str:
    """``text`` in the site's language (e-mails, the stored copy)."""
    with translation.override(settings.LANGUAGE_CODE):
        shown = text_render(text_store(text))
    if shown is None:
        raise ValueError(f"cannot render {text.msgid!r}")
    return shown
