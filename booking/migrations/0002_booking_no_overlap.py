from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from booking.db import add_overlap_constraint, drop_overlap_constraint


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_overlap_constraint, drop_overlap_constraint),
    ]
