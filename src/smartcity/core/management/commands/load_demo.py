from django.core.management.base import BaseCommand

from smartcity.core import demo


class Command(BaseCommand):
    help = "Lädt die Demo-Inhalte für Dortmund und Schwerte (mehrfach ausführbar)."

    def handle(self, *args, **options):
        report = self.stdout.write if options["verbosity"] > 0 else (lambda _message: None)
        demo.load_all(report=report)
