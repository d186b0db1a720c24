"""The ``officer`` group gets the model permissions a booking officer works with, so an
officer needs no superuser: sites, rooms, opening hours, closures, facilities, price rules,
organisations, memberships, bookings (to approve and cancel) and people (to give them
roles; what a person may do beyond that stays with the superuser, see booking/admin.py).

Safe on a fresh database: the permissions are made first (Django makes them only after
all migrations have run). Running it again adds nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER_GROUP = "officer"
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
GRANTS = {
    ("booking", "site"): (VIEW, ADD, CHANGE),
    ("booking", "room"): (VIEW, ADD, CHANGE),
    ("booking", "openinghours"): (VIEW, ADD, CHANGE, DELETE),
    ("booking", "closure"): (VIEW, ADD, CHANGE, DELETE),
    ("booking", "facility"): (VIEW, ADD, CHANGE),
    ("booking", "pricerule"): (VIEW, ADD, CHANGE, DELETE),
    ("booking", "organisation"): (VIEW, ADD, CHANGE),
    ("booking", "membership"): (VIEW, ADD, CHANGE, DELETE),
    ("booking", "booking"): (VIEW, CHANGE),
    ("booking", "profile"): (VIEW,),
    ("auth", "user"): (VIEW, CHANGE),
}


def make_permissions(apps, labels) -> None:
    for label in labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, schema_editor=None, grants=GRANTS) -> None:
    """Give the officer group ``grants``; also called by tests after a flush."""
    make_permissions(apps, {app for app, _model in grants})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=OFFICER_GROUP)
    for (app, model), actions in grants.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0009_booking_active_start_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
