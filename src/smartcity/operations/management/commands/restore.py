from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from smartcity.operations.backup import BackupError, restore_backup, row_counts


class Command(BaseCommand):
    help = "Stellt eine Sicherung in einer leeren Instanz wieder her und prüft die Zeilenzahlen."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite a non-empty database")

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(options["archive"], force=options["force"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        restored = row_counts()
        differences = {
            label: (count, restored.get(label))
            for label, count in manifest["counts"].items()
            if restored.get(label) != count
        }
        if differences:
            raise CommandError(f"row counts differ after restore: {differences}")
        # A backup from an older release is brought up to this release's schema.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"restored {sum(restored.values())} rows from {options['archive']}")
