from django.core.management.base import BaseCommand

from smartcity.operations.retention import run_all


class Command(BaseCommand):
    help = "Alle Löschfristen-Aufgaben jetzt ausführen und berichten, was entfernt wurde."

    def handle(self, *args, **options):
        failed = 0
        for report in run_all():
            if report.success:
                self.stdout.write(f"{report.count:>6}  {report.kind}")
            else:
                failed += 1
                self.stderr.write(f"FAILED  {report.kind}: {report.error}")
        if failed:
            raise SystemExit(1)
