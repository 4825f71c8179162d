import json

from django.core.management.base import BaseCommand

from smartcity.operations import processing_record


class Command(BaseCommand):
    help = "Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO) aus den Datenmodellen."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")

    def handle(self, *args, **options):
        if options["format"] == "json":
            self.stdout.write(json.dumps(processing_record.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(processing_record.as_markdown(), ending="")
