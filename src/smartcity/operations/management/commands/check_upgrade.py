from django.core.management.base import BaseCommand, CommandError

from smartcity.operations.releases import check_upgrade


class Command(BaseCommand):
    help = (
        "Auf einer leeren Datenbank: Schema des vorigen Release anlegen, jede Tabelle füllen, "
        "auf den neuesten Stand migrieren und prüfen, dass alle Daten erhalten sind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--release", default="previous", help="name in releases.json")

    def handle(self, *args, **options):
        try:
            result = check_upgrade(options["release"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"From release {result.release}: {result.tables} tables filled "
            f"({sum(result.filled.rows.values())} rows), migrated to the newest state."
        )
        for label, error in sorted(result.filled.failed.items()):
            self.stdout.write(f"not filled: {label}: {error}")
        for problem in result.problems:
            self.stderr.write(f"LOST: {problem}")
        if result.problems:
            raise CommandError(f"{len(result.problems)} differences after the upgrade")
        self.stdout.write("All rows and values survived the upgrade.")
