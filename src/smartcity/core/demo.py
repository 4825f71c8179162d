"""Demo content for Dortmund and Schwerte. Idempotent: running it again changes nothing.

Each capability adds its own part with ``demo_loaders.register(...)`` in its ``ready()``.
"""

from django.db import transaction

from smartcity.core.models import City, District
from smartcity.core.registries import DemoLoader, demo_loaders

CITIES = [
    {
        "slug": "dortmund",
        "name": "Dortmund",
        "municipality_key": "05913000",
        "website": "https://www.dortmund.de/",
        "latitude": 51.5136,
        "longitude": 7.4653,
        "ordering": 1,
        "description": (
            "Dortmund ist mit rund 600.000 Menschen die größte Stadt Westfalens. "
            "Gemeinsam mit Schwerte gestaltet sie das „Digital Operating System Dortmund "
            "Schwerte“."
        ),
    },
    {
        "slug": "schwerte",
        "name": "Schwerte",
        "municipality_key": "05978028",
        "website": "https://www.schwerte.de/",
        "latitude": 51.4453,
        "longitude": 7.5653,
        "ordering": 2,
        "description": (
            "Schwerte an der Ruhr ist Dortmunds Nachbarstadt im Kreis Unna und Partnerin der "
            "gemeinsamen Smart-City-Strategie."
        ),
    },
]

# The twelve Stadtbezirke of Dortmund with their official numbers.
DORTMUND_DISTRICTS = [
    (1, "Innenstadt-West", "innenstadt-west"),
    (2, "Innenstadt-Nord", "innenstadt-nord"),
    (3, "Innenstadt-Ost", "innenstadt-ost"),
    (4, "Eving", "eving"),
    (5, "Scharnhorst", "scharnhorst"),
    (6, "Brackel", "brackel"),
    (7, "Aplerbeck", "aplerbeck"),
    (8, "Hörde", "hoerde"),
    (9, "Hombruch", "hombruch"),
    (10, "Lütgendortmund", "luetgendortmund"),
    (11, "Huckarde", "huckarde"),
    (12, "Mengede", "mengede"),
]

# Schwerte's Ortsteile.
SCHWERTE_DISTRICTS = [
    (1, "Schwerte-Mitte", "mitte"),
    (2, "Ergste", "ergste"),
    (3, "Geisecke", "geisecke"),
    (4, "Holzen", "holzen"),
    (5, "Villigst", "villigst"),
    (6, "Westhofen", "westhofen"),
    (7, "Wandhofen", "wandhofen"),
    (8, "Schwerter Heide", "schwerter-heide"),
]


@transaction.atomic
def load_cities() -> None:
    for data in CITIES:
        fields = dict(data)
        slug = fields.pop("slug")
        City.objects.update_or_create(slug=slug, defaults=fields)
    for city_slug, districts in (
        ("dortmund", DORTMUND_DISTRICTS),
        ("schwerte", SCHWERTE_DISTRICTS),
    ):
        city = City.objects.get(slug=city_slug)
        for number, name, slug in districts:
            District.objects.update_or_create(
                city=city, slug=slug, defaults={"name": name, "number": number}
            )


demo_loaders.register("cities", DemoLoader("cities", load_cities, order=0))


def load_all(report=print) -> list[str]:
    """Run every registered demo loader in order, each in its own transaction."""
    done = []
    for loader in sorted(demo_loaders, key=lambda entry: (entry.order, entry.name)):
        with transaction.atomic():
            loader.load()
        report(f"Demo-Inhalte geladen: {loader.name}")
        done.append(loader.name)
    return done
