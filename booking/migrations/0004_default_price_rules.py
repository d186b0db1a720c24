"""The default price list; a municipality changes it in the admin."""

from decimal import Decimal

from django.db import migrations

FREE = {"effect": "percent_off", "percent_off": Decimal(100)}
FULL = {"effect": "percent_off", "percent_off": Decimal(0)}

DEFAULT_RULES = [
    {
        "order": 10,
        "name": "Kommunale enheter",
        "booker_kinds": ["municipal"],
        **FREE,
        "reason_nb": "Gratis: kommunale enheter låner kommunens lokaler uten vederlag.",
        "reason_en": "Free: municipal units use the municipality's rooms free of charge.",
    },
    {
        "order": 20,
        "name": "Frivillige organisasjoner",
        "booker_kinds": ["voluntary"],
        "voluntary_verified": True,
        "site_kinds": ["school", "innbyggertorg", "culture_house"],
        **FREE,
        "reason_nb": "Gratis: frivillige organisasjoner låner skoler, innbyggertorg og "
        "kulturhus vederlagsfritt.",
        "reason_en": "Free: voluntary organisations use schools, innbyggertorg and culture "
        "houses free of charge.",
    },
    {
        "order": 30,
        "name": "Barn og unge",
        "booker_kinds": ["voluntary", "municipal", "other", "private"],
        "children_and_youth": True,
        **FREE,
        "reason_nb": "Gratis: aktiviteter for barn og unge er gratis for ikke-kommersielle "
        "leietakere.",
        "reason_en": "Free: activities for children and young people are free for "
        "non-commercial bookers.",
    },
    {
        "order": 40,
        "name": "Frivillig, ikke verifisert",
        "booker_kinds": ["voluntary"],
        "voluntary_verified": False,
        **FULL,
        "reason_nb": "Full leiepris: organisasjonen venter på verifisering som frivillig "
        "organisasjon.",
        "reason_en": "Full rent: the organisation is awaiting verification as a voluntary "
        "organisation.",
    },
    {
        "order": 90,
        "name": "Kommersielle og private",
        "booker_kinds": ["commercial", "private", "other"],
        **FULL,
        "reason_nb": "Full leiepris: kommersielle og private leietakere betaler rommets "
        "timepris.",
        "reason_en": "Full rent: commercial and private bookers pay the room's hourly price.",
    },
]


def install(apps, schema_editor):
    PriceRule = apps.get_model("booking", "PriceRule")
    for fields in DEFAULT_RULES:
        PriceRule.objects.get_or_create(name=fields["name"], defaults=fields)


def remove(apps, schema_editor):
    PriceRule = apps.get_model("booking", "PriceRule")
    PriceRule.objects.filter(name__in=[r["name"] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_price_rules")]

    operations = [migrations.RunPython(install, remove)]
