from django.core.management import call_command
from django.core.management.base import BaseCommand

from smartcity.core.tasks import sync_schedules


class Command(BaseCommand):
    help = (
        "Nach einem Update: Migrationen ausführen, statische Dateien sammeln, Zeitpläne abgleichen."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        call_command("collectstatic", interactive=False, verbosity=options["verbosity"])
        schedules = sync_schedules()
        self.stdout.write(f"Upgrade complete ({len(schedules)} periodic jobs declared).")
