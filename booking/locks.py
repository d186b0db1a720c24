"""How writers to bookings take turns on PostgreSQL, and how its refusals are read.

Transaction-scoped advisory locks, always taken in one order — an organisation, then
rooms, then booking rows — so that writers never wait for each other in a circle.
"""

from django.db import IntegrityError, OperationalError, connection

OVERLAP_CONSTRAINT = "booking_no_overlap"


def is_overlap_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(cause, "sqlstate", None) == "23P01" and (
        diag is None or diag.constraint_name == OVERLAP_CONSTRAINT
    )


def is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


DEADLOCK_RETRIES = 5
ROOM_LOCK_NAMESPACE = 0x4C4F  # "LO": pg_advisory_xact_lock(namespace, room id)
ORGANISATION_LOCK_NAMESPACE = 0x4C50  # "LP": pg_advisory_xact_lock(namespace, organisation id)


def queue_for_room(room_id: int, *, organisation_id: int | None = None) -> None:
    """Writers to one room take turns until their transaction ends.

    Not the guard: the exclusion constraint is. Without this, many simultaneous inserts
    into one room check each other's uncommitted rows and deadlock in a storm, and the
    victims' retries collide again; with it they queue and each meets the constraint.

    With ``organisation_id`` the organisation's queue (``queue_for_organisation``) is
    taken first, in the same statement: a VALUES list is scanned row by row in order, so
    the order of the two locks holds and it costs one round trip instead of two.
    """
    with connection.cursor() as cursor:
        if organisation_id is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROOM_LOCK_NAMESPACE, room_id])
        else:
            cursor.execute(
                "SELECT count(*) FROM (VALUES (pg_advisory_xact_lock(%s, %s)), "
                "(pg_advisory_xact_lock(%s, %s))) AS queues (taken)",
                [ORGANISATION_LOCK_NAMESPACE, organisation_id, ROOM_LOCK_NAMESPACE, room_id],
            )


def queue_for_organisation(organisation_id: int | None) -> None:
    """Writers that price an organisation's bookings take turns until their transaction ends.

    The guard of the fair-use cap, which counts an organisation's free hours per site and
    week across rooms, so no room's queue serialises it: a quote made with this held sees
    every booking of the organisation committed before it. Taken before any room's queue
    and before any booking row (organisation, then rooms, then rows), so that writers
    cannot wait for each other in a circle. On SQLite the IMMEDIATE transaction serialises
    all writers already; a private booker has no cap to guard.
    """
    if organisation_id is None or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ORGANISATION_LOCK_NAMESPACE, organisation_id]
        )
