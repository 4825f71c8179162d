from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartcity.core.models import City
from smartcity.core.services import DistrictImportError, import_district_boundaries


class Command(BaseCommand):
    help = "Importiert Grenzen der Stadtbezirke aus einer GeoJSON-FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument("city", help="Kurzname der Stadt, z. B. dortmund")
        parser.add_argument("geojson", type=Path)
        parser.add_argument("--name-property", default="name")
        parser.add_argument("--create-missing", action="store_true")

    def handle(self, *args, **options):
        try:
            city = City.objects.get(slug=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"unknown city {options['city']!r}") from None
        try:
            districts = import_district_boundaries(
                city,
                options["geojson"],
                name_property=options["name_property"],
                create_missing=options["create_missing"],
            )
        except DistrictImportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{len(districts)} district boundaries imported for {city}")
