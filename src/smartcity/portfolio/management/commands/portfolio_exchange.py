"""``smartcity portfolio_exchange export|import projects|partners|places FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartcity.portfolio import exchange


class Command(BaseCommand):
    help = "Projekte, Partner und Orte als CSV, XLSX oder GeoJSON ex- oder importieren."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("kind", choices=exchange.KINDS)
        parser.add_argument("file", help="Datei; das Format folgt aus der Endung.")

    def handle(self, action, kind, file, **options):
        path = Path(file)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in exchange.FORMATS:
            raise CommandError(f"Endung .csv, .xlsx oder .geojson erwartet, nicht {path.suffix}")
        if action == "export":
            path.write_bytes(exchange.export(kind, fmt))
            self.stdout.write(f"{kind} → {path}")
            return
        try:
            count = exchange.import_rows(kind, fmt, path.read_bytes())
        except OSError as error:
            raise CommandError(str(error)) from error
        except exchange.ExchangeError as error:
            raise CommandError("\n".join(error.problems)) from error
        self.stdout.write(f"{count} {kind} importiert.")
