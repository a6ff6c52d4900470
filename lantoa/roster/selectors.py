"""Reads over the roster of communicators and briefers."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from lantoa.core.text import fold
from lantoa.roster.models import Communicator, Training
from lantoa.units.models import Unit, UnitClosure


def communicators_of(
    unit: Unit,
    *,
    subtree: bool = False,
    role: str | None = None,
    trained: bool | None = None,
    query: str = "",
    active_only: bool = False,
) -> QuerySet[Communicator]:
    """Roster of ``unit`` (or its subtree). ``query`` matches every word of the name or
    position, ignoring diacritics."""
    if subtree:
        qs = Communicator.objects.filter(
            unit_id__in=UnitClosure.objects.filter(ancestor_id=unit.pk).values("descendant_id")
        )
    else:
        qs = Communicator.objects.filter(unit_id=unit.pk)
    if role:
        qs = qs.filter(role=role)
    if trained is not None:
        qs = qs.filter(trained=trained)
    if active_only:
        qs = qs.filter(active=True)
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.select_related("unit").order_by("full_name", "pk")


def trainings_of(unit: Unit, *, subtree: bool = False) -> QuerySet[Training]:
    if subtree:
        qs = Training.objects.filter(
            organizer_id__in=UnitClosure.objects.filter(ancestor_id=unit.pk).values("descendant_id")
        )
    else:
        qs = Training.objects.filter(organizer_id=unit.pk)
    return (
        qs.select_related("organizer")
        .annotate(attendee_count=Count("attendees"))
        .order_by("-held_on", "-pk")
    )
