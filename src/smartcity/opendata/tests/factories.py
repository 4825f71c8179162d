"""Small builders for the catalogue's tests."""

import itertools

from smartcity.opendata import services
from smartcity.opendata.models import Organization

_counter = itertools.count(1)


def organization(name: str | None = None, city=None, **extra) -> Organization:
    number = next(_counter)
    name = name or f"amt-{number}"
    defaults = {"title": f"Amt {number}", "email": f"{name}@example.org", "city": city}
    defaults.update(extra)
    return Organization.objects.get_or_create(name=name, defaults=defaults)[0]


def dataset(name: str | None = None, *, org=None, tags=(), groups=(), **fields):
    number = next(_counter)
    org = org or organization()
    values = {
        "name": name or f"datensatz-{number}",
        "title": f"Datensatz {number}",
        "notes": "Beschreibung",
        "organization": org,
        "contact_name": "Open-Data-Team",
        "contact_email": "opendata@example.org",
        "municipality_key": "05913000",
    }
    values.update(fields)
    theme_groups = services.ensure_groups()
    return services.save_dataset(
        values, tags=list(tags), groups=[theme_groups[code] for code in groups]
    )


def csv_distribution(dataset, content: bytes = b"a,b\n1,2\n", filename="daten.csv", **fields):
    return services.save_distribution(dataset, fields, content=content, filename=filename)
