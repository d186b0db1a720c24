"""A category that a price rule favours counts only once an officer has verified it.

Organisations verified as voluntary keep their verification (of the category they have).
Municipal organisations were never verified: from now on they are priced as ``other`` by the
rules that favour municipal units and wait in the officers' verification queue, because
nothing shows that their claim was ever checked. Their bookings keep the price they were
made with.
"""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


UNVERIFIED_MUNICIPAL = {
    "order": 41,
    "name": "Kommunal enhet, ikke verifisert",
    "booker_kinds": ["municipal"],
    "voluntary_verified": False,
    "effect": "percent_off",
    "percent_off": Decimal(0),
    "reason_nb": "Full leiepris: organisasjonen venter på verifisering som kommunal enhet.",
    "reason_en": "Full rent: the organisation is awaiting verification as a municipal unit.",
}


def carry_over_verification(apps, schema_editor):
    Organisation = apps.get_model("booking", "Organisation")
    Organisation.objects.filter(voluntary_verified=True).update(verified_category=F("category"))


def carry_back_verification(apps, schema_editor):
    Organisation = apps.get_model("booking", "Organisation")
    Organisation.objects.filter(
        category="voluntary", verified_category="voluntary"
    ).update(voluntary_verified=True)


def install_unverified_municipal_rule(apps, schema_editor):
    PriceRule = apps.get_model("booking", "PriceRule")
    PriceRule.objects.get_or_create(
        name=UNVERIFIED_MUNICIPAL["name"], defaults=UNVERIFIED_MUNICIPAL
    )


def remove_unverified_municipal_rule(apps, schema_editor):
    PriceRule = apps.get_model("booking", "PriceRule")
    PriceRule.objects.filter(name=UNVERIFIED_MUNICIPAL["name"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0007_caretaking_and_calendar_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='verified_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='category verified at'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='verified_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='category verified by'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='verified_category',
            field=models.CharField(blank=True, choices=[('voluntary', 'voluntary organisation'), ('municipal', 'municipal unit'), ('commercial', 'commercial'), ('other', 'other')], editable=False, max_length=20, verbose_name='verified category'),
        ),
        migrations.RunPython(carry_over_verification, carry_back_verification),
        migrations.RemoveField(
            model_name='organisation',
            name='voluntary_verified',
        ),
        migrations.RunPython(install_unverified_municipal_rule, remove_unverified_municipal_rule),
        migrations.AlterField(
            model_name='pricerule',
            name='voluntary_verified',
            field=models.BooleanField(blank=True, help_text='Empty: either. Yes: only organisations whose category an officer has verified. No: only those not verified.', null=True, verbose_name='category verified'),
        ),
    ]
