from django.core.management.base import BaseCommand, CommandError

from smartcity.core.models import City
from smartcity.defects.addresses import AddressImportError, import_addresses


class Command(BaseCommand):
    help = "Import a city's address list (CSV: street, house number, postcode, lat, lon)."

    def add_arguments(self, parser):
        parser.add_argument("city", help="city slug, e.g. dortmund")
        parser.add_argument("path", help="CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument("--replace", action="store_true", help="delete the old list first")

    def handle(self, city, path, replace, **options):
        city_obj = City.objects.filter(slug=city).first()
        if city_obj is None:
            raise CommandError(f"unknown city {city!r}")
        try:
            count = import_addresses(city_obj, path, replace=replace)
        except (OSError, AddressImportError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(f"{count} addresses imported for {city_obj.name}")
