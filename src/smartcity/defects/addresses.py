"""The city's own address list: CSV import and search (no outside geocoder)."""

import csv
import io
from pathlib import Path

from django.db import transaction

from smartcity.core.models import City
from smartcity.defects.models import Address, normalise

# Accepted column names (lower case) for each field, e.g. from the city's open data portal.
COLUMNS = {
    "street": ("street", "strasse", "straße", "str_name", "strassenname"),
    "house_number": ("house_number", "hausnummer", "hnr", "hsnr"),
    "postcode": ("postcode", "plz", "postleitzahl", "zipcode"),
    "latitude": ("latitude", "lat", "breite", "y"),
    "longitude": ("longitude", "lon", "long", "laenge", "länge", "x"),
    "external_id": ("id", "address_id", "adress_id", "adressid"),
}
REQUIRED = ("street", "latitude", "longitude")


class AddressImportError(ValueError):
    pass


def _column_map(header: list[str]) -> dict[str, int]:
    lowered = [name.strip().lower() for name in header]
    found = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[field] = lowered.index(name)
                break
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise AddressImportError(f"missing column(s): {', '.join(missing)}")
    return found


def _number(text: str) -> float:
    return float(text.strip().replace(",", "."))


@transaction.atomic
def import_addresses(city: City, source: Path | str, replace: bool = False) -> int:
    """Load a CSV (comma or semicolon separated, UTF-8); all rows or none."""
    text = Path(source).read_text(encoding="utf-8-sig")
    header = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=header.count)  # German exports often use semicolons
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise AddressImportError("the file is empty")
    columns = _column_map(rows[0])
    if replace:
        Address.objects.filter(city=city).delete()
    count = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(field, row=row):
            index = columns.get(field)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            latitude, longitude = _number(cell("latitude")), _number(cell("longitude"))
        except ValueError as error:
            raise AddressImportError(f"line {line}: coordinates are not numbers") from error
        if not cell("street"):
            raise AddressImportError(f"line {line}: street is empty")
        if not city.contains(longitude, latitude):
            raise AddressImportError(f"line {line}: the point lies outside {city.name}")
        address = Address.objects.filter(
            city=city,
            street=cell("street"),
            house_number=cell("house_number"),
            postcode=cell("postcode"),
        ).first() or Address(
            city=city,
            street=cell("street"),
            house_number=cell("house_number"),
            postcode=cell("postcode"),
        )
        address.latitude, address.longitude = latitude, longitude
        address.external_id = cell("external_id")
        address.save()
        count += 1
    return count


def search_addresses(city: City, query: str, limit: int = 10) -> list[Address]:
    """Addresses whose text contains every word of ``query`` (e.g. "rheinische 12")."""
    words = normalise(query).split()[:6]
    if not words or len(" ".join(words)) < 3:
        return []
    addresses = Address.objects.filter(city=city)
    for word in words:
        addresses = addresses.filter(search_text__contains=word)
    return list(addresses.order_by("street", "house_number")[:limit])
