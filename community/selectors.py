"""Public reads of events: what residents may see, and the clash hint for organisers.

Only published events are ever public; a hidden one (an officer's decision) and a withdrawn
one (deleted) appear nowhere here.
"""

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from community.models import AgeGroup, Event

CLASHES_SHOWN = 50


def published() -> QuerySet[Event]:
    return Event.objects.filter(status=Event.Status.PUBLISHED)


def _for_age_groups(events: QuerySet[Event], groups) -> QuerySet[Event]:
    """Events for any of the groups; an event "for all ages" is for every group. The list
    is matched as text ('"youth"' in '["children", "youth"]'): JSON containment is not
    there on SQLite, and the codes are plain words that never hold a quote."""
    groups = set(groups)
    if not groups or AgeGroup.ALL in groups:
        return events
    text = Cast("age_groups", TextField())
    match = Q(age_groups_text__contains=f'"{AgeGroup.ALL}"')
    for group in groups:
        match |= Q(age_groups_text__contains=f'"{group}"')
    return events.annotate(age_groups_text=text).filter(match)


def public_events(start, end, *, site=None, category=None, age_group=None) -> QuerySet[Event]:
    """Published events overlapping [start, end), with their organisation and site."""
    found = published().filter(start__lt=end, end__gt=start)
    if site:
        found = found.filter(site=site)
    if category:
        found = found.filter(category=category)
    if age_group:
        found = _for_age_groups(found, [age_group])
    return found.select_related("organisation", "site", "booking__room").order_by("start", "id")


events_between = public_events


def upcoming_events(organisation, now, limit: int = 20) -> list[Event]:
    """An organisation's published events not yet over, soonest first."""
    return list(
        published()
        .filter(organisation=organisation, end__gt=now)
        .select_related("site", "booking__room")
        .order_by("start", "id")[:limit]
    )


def event_clashes(event: Event) -> list[Event]:
    """The other published events in the municipality at the same time for the same
    audience (sharing an age group; "all ages" shares with every group). A hint for the
    organiser, never a reason to refuse."""
    found = published().filter(start__lt=event.end, end__gt=event.start).exclude(pk=event.pk)
    found = _for_age_groups(found, event.age_groups)
    return list(
        found.select_related("organisation", "site", "booking__room").order_by("start", "id")[
            :CLASHES_SHOWN
        ]
    )
