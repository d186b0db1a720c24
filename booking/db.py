"""SQL that Django's model layer cannot express on every backend we run on."""

# No two pending or confirmed bookings of one room overlap: held by PostgreSQL itself.
# On SQLite the IMMEDIATE transaction around check-then-insert does the same job.
ADD_OVERLAP_CONSTRAINT = """
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap
EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end", '[)') WITH &&)
WHERE (status IN ('pending', 'confirmed'))
"""
DROP_OVERLAP_CONSTRAINT = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"


def add_overlap_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_OVERLAP_CONSTRAINT)


def drop_overlap_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_OVERLAP_CONSTRAINT)


def room_overlapping(room_id, start, end):
    """A filter for one room's bookings whose [start, end) overlaps the period [start, end).
    ``room_id``: an id, or an outer query's room (``OuterRef("pk")``).

    On PostgreSQL it is written as the overlap constraint's own expressions, the room
    as a bigint (``room_id = 1`` compares bigint with integer, which btree_gist's index
    cannot search, so the planner would read every room's bookings of the period) and
    ``tstzrange(start, "end", '[)') && tstzrange(…)``, so that the constraint's GiST index
    (for the active statuses) finds just the period's bookings, however long the room's
    history. Elsewhere it is the plain comparison, which means the same.
    """
    from django.db import connection
    from django.db.models import BigIntegerField, DateTimeField, F, Func, Q, Value
    from django.db.models.functions import Cast
    from django.db.models.lookups import Exact

    if connection.vendor != "postgresql":
        return Q(room_id=room_id, start__lt=end, end__gt=start)
    # An outer query's room (OuterRef("pk"), a bigint already) needs no cast.
    room = (
        room_id
        if hasattr(room_id, "resolve_expression")
        else Cast(Value(room_id), BigIntegerField())
    )
    from django.contrib.postgres.fields import DateTimeRangeField
    from django.contrib.postgres.lookups import Overlap

    class Span(Func):
        function = "tstzrange"
        template = "%(function)s(%(expressions)s, '[)')"  # as the index has it
        output_field = DateTimeRangeField()

    return Q(Exact(F("room_id"), room)) & Q(
        Overlap(
            Span(F("start"), F("end")),
            Span(Value(start, DateTimeField()), Value(end, DateTimeField())),
        )
    )
