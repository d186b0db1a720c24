"""A site's guidelines, versioned; a booking records the version accepted. Officers may
read and publish guidelines in the admin (a new version, never an edit of an old one)."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


GRANTS = {("booking", "guidelines"): ("view", "add")}


def grant_officers(apps, schema_editor):
    officers = importlib.import_module("booking.migrations.0010_officer_permissions")
    officers.grant(apps, schema_editor, grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0013_room_and_site_information"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Guidelines",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(editable=False, verbose_name="version")),
                ("text_nb", models.TextField(max_length=20000, verbose_name="text (bokmål)")),
                (
                    "text_nn",
                    models.TextField(blank=True, max_length=20000, verbose_name="text (nynorsk)"),
                ),
                (
                    "text_en",
                    models.TextField(blank=True, max_length=20000, verbose_name="text (English)"),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="published"
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="guidelines",
                        to="booking.site",
                    ),
                ),
            ],
            options={
                "verbose_name": "guidelines",
                "verbose_name_plural": "guidelines",
                "ordering": ["site", "-version"],
            },
        ),
        migrations.AddField(
            model_name="booking",
            name="guidelines",
            field=models.ForeignKey(
                blank=True,
                help_text="The version of the site's guidelines the booker accepted.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bookings",
                to="booking.guidelines",
                verbose_name="guidelines accepted",
            ),
        ),
        migrations.AddConstraint(
            model_name="guidelines",
            constraint=models.UniqueConstraint(
                fields=("site", "version"), name="guidelines_site_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="guidelines",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="guidelines_version_from_1"
            ),
        ),
        migrations.RunPython(grant_officers, migrations.RunPython.noop),
    ]
