"""The facts version (booking/facts.py): one row, and a trigger on each table of a room's
facts that gives it a new random value in the transaction of any change.

A random value, not a counter: a process may read the version inside a transaction that
is then rolled back (a test case, a failed request), and a counter would hand the same
number to the next, different, change; 64 random bits do not come round again.
"""

from django.db import migrations, models

TABLES = (
    "booking_site",
    "booking_room",
    "booking_openinghours",
    "booking_closure",
    "booking_pricerule",
    "booking_guidelines",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION booking_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO booking_factsversion (id, value)
    VALUES (1, floor((random() - 0.5) * 1.8e19)::bigint)
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$;
"""
SQLITE_UPSERT = (
    "INSERT INTO booking_factsversion (id, value) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET value = excluded.value;"
)


def create_triggers(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(POSTGRES_FUNCTION)
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_facts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION booking_facts_changed()"
            )
    else:  # SQLite: a trigger per event, for each row
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                run(
                    f"CREATE TRIGGER {table}_facts_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {SQLITE_UPSERT} END"
                )
    run("INSERT INTO booking_factsversion (id, value) VALUES (1, 1)")


def drop_triggers(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            run(f"DROP TRIGGER IF EXISTS {table}_facts ON {table}")
        run("DROP FUNCTION IF EXISTS booking_facts_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                run(f"DROP TRIGGER IF EXISTS {table}_facts_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0017_money"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactsVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("value", models.BigIntegerField()),
            ],
            options={"db_table": "booking_factsversion"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
