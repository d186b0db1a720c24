from django.db import migrations, models


def e164(phone: str) -> str:
    """lending.services.normalise_phone as it was when this migration was written."""
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    if not digits:
        return ""
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if len(digits) == 10 and digits.startswith("47"):
        return f"+{digits}"
    return f"+47{digits}"


def phones_as_e164(apps, schema_editor):
    Borrower = apps.get_model("lending", "Borrower")
    for borrower in Borrower.objects.exclude(phone="", guardian_phone="").iterator():
        phone, guardian = (
            new if len(new := e164(old)) <= 20 else old
            for old in (borrower.phone, borrower.guardian_phone)
        )
        if (phone, guardian) != (borrower.phone, borrower.guardian_phone):
            Borrower.objects.filter(pk=borrower.pk).update(phone=phone, guardian_phone=guardian)


class Migration(migrations.Migration):
    dependencies = [("lending", "0002_photo_types")]

    operations = [
        migrations.RunPython(phones_as_e164, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="borrower",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AddIndex(
            model_name="borrower",
            index=models.Index(
                fields=["phone"],
                name="borrower_phone_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
