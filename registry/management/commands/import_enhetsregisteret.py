"""manage.py import_enhetsregisteret FILE: load Brønnøysund's bulk download of enheter."""

from pathlib import Path

import ijson
from django.core.management.base import BaseCommand, CommandError

from registry.importer import BATCH_SIZE, BadUnit, import_units


class Command(BaseCommand):
    help = (
        "Load or refresh the local copy of Enhetsregisteret from Brønnøysund's bulk download "
        "of main units (https://data.brreg.no/enhetsregisteret/api/enheter/lastned, JSON, or "
        ".../lastned/csv), gzipped or not. Run it again with a newer file to refresh; the "
        "same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The downloaded file (.json, .csv, .gz).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Units written per statement (default {BATCH_SIZE}).",
        )

        parser.add_argument(
            "--full",
            action="store_true",
            help="The file is the whole register (Brønnøysund's bulk download is): units in "
            "the local copy that it no longer has are marked deleted. Use a fresh download.",
        )

    def handle(self, *args, file: Path, batch_size: int, full: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = import_units(file, batch_size=batch_size, full=full)
        except (BadUnit, ijson.JSONError, UnicodeDecodeError, OSError, EOFError) as error:
            raise CommandError(f"{file}: cannot be read: {error}") from error
        for example in report.bad_examples:
            self.stderr.write(f"Skipped {example}")
        self.stdout.write(report.summary())
