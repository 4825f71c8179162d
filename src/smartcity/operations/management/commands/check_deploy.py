from django.core.management.base import BaseCommand, CommandError

from smartcity.operations.deploy_checks import run_checks


class Command(BaseCommand):
    help = "Prüft eine Produktionskonfiguration und nennt, was fehlt (Exit-Code ≠ 0 bei Fehlern)."

    def handle(self, *args, **options):
        results = run_checks()
        for result in results:
            mark = "ok  " if result.ok else "FAIL"
            line = f"{mark} {result.name}" + ("" if result.ok else f": {result.message}")
            self.stdout.write(line)
        failed = [result for result in results if not result.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} checks failed")
        self.stdout.write("The configuration is ready for production.")
