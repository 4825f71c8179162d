from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartcity.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Schreibt eine konsistente Sicherung (Datenbank + Medien) mit Manifest und Prüfsumme."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, **options):
        output = options["output"] or Path(
            f"smartcity-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            manifest = create_backup(output)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{output}: {rows} rows, {len(manifest['members']) - 1} media files")
