"""Booking officers keep the lending centre's catalogue (types of equipment and their
units) and see its borrowers, loans and reservations in the admin; the counter's own work
stays on the counter pages. Made the way booking's 0010_officer_permissions does it."""

import importlib

from django.db import migrations

GRANTS = {
    ("lending", "itemtype"): ("view", "add", "change"),
    ("lending", "item"): ("view", "add", "change"),
    ("lending", "borrower"): ("view",),
    ("lending", "loan"): ("view",),
    ("lending", "reservation"): ("view",),
}


def grant(apps, schema_editor=None):
    booking = importlib.import_module("booking.migrations.0010_officer_permissions")
    booking.grant(apps, schema_editor, grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0003_borrower_phone_e164_prefix_index"),
        ("booking", "0010_officer_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
