"""Helpers shared by the services of every app."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

# Values per IN (...) list: under SQLite's limit of 999 parameters and every other backend's.
IN_CHUNK = 900


def in_chunks(items: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``, for ``field__in=chunk`` queries over long
    lists (an import of thousands of rows)."""
    batch = list(items)
    for start in range(0, len(batch), size):
        yield batch[start : start + size]


def acting_user(actor: Any) -> Any:
    """``actor`` when it is a signed-in user, else None: the value a "who" column (created_by,
    updated_by, an event's actor …) stores. Services take ``actor=None`` or an anonymous user
    for the system (a command, a task, the demo), and those are stored as no one."""
    return actor if getattr(actor, "is_authenticated", False) else None


class UnknownFieldsError(ValidationError, TypeError):
    """Fields a service does not let its caller change.

    A ValidationError keyed by the field names, so forms and the API show it like any other
    bad input; also a TypeError, since passing such a field is a mistake in the calling code,
    as an unexpected keyword argument would be."""


def _attname(obj: models.Model, name: str) -> str:
    # ``unit`` is stored as ``unit_id``: comparing that needs no query for the related row.
    try:
        return obj._meta.get_field(name).attname  # type: ignore[union-attr]
    except (FieldDoesNotExist, AttributeError):
        return name


def assign_validated(
    obj: M,
    fields: Mapping[str, Any],
    *,
    allowed: Iterable[str],
    clean: Callable[[M], None],
) -> list[str]:
    """Set ``fields`` on ``obj`` and run ``clean(obj)``, all or nothing.

    Refuses, before touching ``obj``, any name not in ``allowed`` (``UnknownFieldsError``).
    When ``clean`` raises a ValidationError (or anything else), every field of ``obj``, those
    ``clean`` itself normalised included, and its cached related objects are put back as they
    were: the caller's object never shows values that were not saved. Returns the names from
    ``fields`` whose value differs after cleaning (``" Hà Nội "`` over ``"Hà Nội"`` is no
    change), in the order given, for the audit record. Saves nothing.
    """
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise UnknownFieldsError(
            {
                name: _("Không có trường “%(name)s” hoặc trường này không được sửa ở đây.")
                % {"name": name}
                for name in unknown
            }
        )
    # Read from the instance dict: a deferred field stays deferred, and costs no query.
    state = obj.__dict__
    attnames = {f.attname for f in obj._meta.concrete_fields}
    attnames.update(_attname(obj, name) for name in fields)
    before = {name: state[name] for name in attnames if name in state}
    related_before = dict(obj._state.fields_cache)
    try:
        for name, value in fields.items():
            setattr(obj, name, value)
        clean(obj)
    except Exception:
        # Not only ValidationError: a value of the wrong type fails half-way through too.
        for name in attnames:
            if name in before:
                setattr(obj, name, before[name])
            else:
                state.pop(name, None)
        obj._state.fields_cache = related_before
        raise
    missing = object()
    return [
        name
        for name in fields
        if state.get(_attname(obj, name), missing) != before.get(_attname(obj, name), missing)
    ]
