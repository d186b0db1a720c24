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
