"""Demo content for the defect reporter: departments, categories and a few reports.

Idempotent: everything is matched by its code (reports by a fixed public token).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartcity.core.models import City
from smartcity.core.services import district_for_point
from smartcity.defects.models import (
    Category,
    CategoryAttribute,
    Department,
    Event,
    Report,
    Status,
)

SIZE_VALUES = [
    {"key": "klein", "name": "kleiner als eine Hand"},
    {"key": "mittel", "name": "etwa so groß wie ein Teller"},
    {"key": "gross", "name": "größer als ein Autoreifen"},
]

# (group, code, name, department slug or "" for the city's default department, attributes)
CATEGORIES = [
    ("Straße und Gehweg", "schlagloch", "Schlagloch", "tiefbau", "size"),
    ("Straße und Gehweg", "gehweg", "Gehweg beschädigt", "tiefbau", ""),
    ("Straßenbeleuchtung", "laterne", "Straßenlaterne defekt", "licht", "pole"),
    ("Abfall und Sauberkeit", "wilder-muell", "Wilder Müll", "abfall", ""),
    ("Abfall und Sauberkeit", "papierkorb", "Papierkorb voll oder defekt", "abfall", ""),
    ("Grün und Spielplätze", "spielplatz", "Spielplatz beschädigt", "gruen", ""),
    ("Grün und Spielplätze", "baum", "Baum oder Grünfläche", "gruen", ""),
    ("Verkehrszeichen und Ampeln", "schild", "Verkehrszeichen beschädigt", "verkehr", ""),
    ("Verkehrszeichen und Ampeln", "ampel", "Ampel gestört", "verkehr", ""),
    ("Graffiti", "graffiti", "Graffiti", "ordnung", ""),
    # No department of its own: the city's default department (Eingangsstelle) takes it.
    ("Sonstiges", "sonstiges", "Sonstiger Mangel", "", ""),
]

DEFAULT = "eingang"  # the department taking categories without one of their own
DEPARTMENTS = {
    "dortmund": [
        ("tiefbau", "Tiefbauamt", False),
        ("licht", "Straßenbeleuchtung (DEW21)", True),
        ("abfall", "EDG Entsorgung Dortmund", True),
        ("gruen", "Grünflächenamt", False),
        ("verkehr", "Tiefbauamt – Verkehrstechnik", False),
        ("ordnung", "Ordnungsamt", False),
        ("eingang", "Bürgerdienste – Mängelannahme", False),
    ],
    "schwerte": [
        ("tiefbau", "Fachdienst Tiefbau", False),
        ("licht", "Stadtwerke Schwerte – Beleuchtung", True),
        ("abfall", "Technische Betriebe Schwerte", False),
        ("gruen", "Technische Betriebe Schwerte – Grün", False),
        ("verkehr", "Fachdienst Straßenverkehr", False),
        ("ordnung", "Ordnungsamt Schwerte", False),
        ("eingang", "Bürgerbüro Schwerte – Mängelannahme", False),
    ],
}

# Approximate city boundaries (lon, lat), drawn by hand from the municipal borders to within
# roughly a kilometre, so the demo can show "outside the city". Only set where a city has no
# boundary yet: an imported official one is never replaced. Neighbours share border points.
APPROXIMATE_BOUNDARIES = {
    "dortmund": [
        (7.3020, 51.5050), (7.3150, 51.5400), (7.3450, 51.5600), (7.3700, 51.5850),
        (7.4100, 51.6000), (7.4600, 51.5950), (7.5100, 51.5800), (7.5700, 51.5700),
        (7.6100, 51.5550), (7.6380, 51.5300), (7.6250, 51.4950), (7.5800, 51.4750),
        (7.5400, 51.4600), (7.5100, 51.4400), (7.4900, 51.4150), (7.4600, 51.4200),
        (7.4300, 51.4400), (7.3900, 51.4600), (7.3500, 51.4750), (7.3150, 51.4850),
    ],
    "schwerte": [
        (7.5100, 51.4400), (7.5400, 51.4600), (7.5800, 51.4750), (7.6050, 51.4780),
        (7.6350, 51.4650), (7.6450, 51.4400), (7.6250, 51.4100), (7.5900, 51.3950),
        (7.5500, 51.3900), (7.5150, 51.4000), (7.4900, 51.4150),
    ],
}  # fmt: skip


def approximate_boundary(city_slug: str) -> dict:
    ring = [list(point) for point in APPROXIMATE_BOUNDARIES[city_slug]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def load_boundaries() -> None:
    """Give the demo cities an approximate boundary where they have none (City.boundary)."""
    for city in City.objects.filter(slug__in=APPROXIMATE_BOUNDARIES, boundary__isnull=True):
        city.boundary = approximate_boundary(city.slug)
        city.full_clean()
        city.save(update_fields=["boundary"])


# (token, city, category, lat, lon, description, status, days ago, public note)
REPORTS = [
    ("demo-do-1", "dortmund", "schlagloch", 51.5142, 7.4660,
     "Tiefes Schlagloch auf der rechten Fahrspur vor der Hausnummer 12.",
     Status.IN_PROGRESS, 6, "Die Kolonne ist für diese Woche eingeplant."),
    ("demo-do-2", "dortmund", "laterne", 51.5105, 7.4702,
     "Die Laterne am Fußweg bleibt seit Tagen dunkel.", Status.FORWARDED, 12,
     "An DEW21 weitergeleitet."),
    ("demo-do-3", "dortmund", "wilder-muell", 51.5170, 7.4590,
     "Sperrmüll und Säcke am Straßenrand abgestellt.", Status.RECEIVED, 1, ""),
    ("demo-do-4", "dortmund", "graffiti", 51.5120, 7.4620,
     "Großflächiges Graffiti an der Unterführung.", Status.RESOLVED, 25,
     "Die Fläche wurde gereinigt."),
    ("demo-sw-1", "schwerte", "spielplatz", 51.4460, 7.5660,
     "Die Schaukel auf dem Spielplatz hat eine gerissene Kette.", Status.CONFIRMED, 3, ""),
    ("demo-sw-2", "schwerte", "schild", 51.4440, 7.5630,
     "Das Stoppschild ist umgeknickt.", Status.RECEIVED, 2, ""),
]  # fmt: skip


@transaction.atomic
def load() -> None:
    load_boundaries()
    load_categories()
    load_reports()


def load_categories() -> None:
    for city_slug, departments in DEPARTMENTS.items():
        city = City.objects.filter(slug=city_slug).first()
        if city is None:
            continue
        by_slug = {}
        for slug, name, external in departments:
            by_slug[slug], _ = Department.objects.update_or_create(
                city=city,
                slug=slug,
                defaults={"name": name, "external": external, "is_default": slug == DEFAULT},
            )
        for order, (group, code, name, department, extra) in enumerate(CATEGORIES):
            category, _ = Category.objects.update_or_create(
                city=city,
                code=code,
                defaults={
                    "group": group,
                    "name": name,
                    "department": by_slug.get(department),
                    "ordering": order,
                },
            )
            if extra == "size":
                CategoryAttribute.objects.update_or_create(
                    category=category,
                    code="groesse",
                    defaults={
                        "datatype": "singlevaluelist",
                        "required": False,
                        "description": "Wie groß ist das Schlagloch?",
                        "order": 1,
                        "values": SIZE_VALUES,
                    },
                )
            if extra == "pole":
                CategoryAttribute.objects.update_or_create(
                    category=category,
                    code="mastnummer",
                    defaults={
                        "datatype": "string",
                        "description": "Nummer am Laternenmast (falls lesbar)",
                        "datatype_description": "Steht meist auf einem Schild am Mast.",
                        "order": 1,
                    },
                )


def load_reports() -> None:
    now = timezone.now()
    for token, city_slug, code, lat, lon, text, status, days, note in REPORTS:
        city = City.objects.filter(slug=city_slug).first()
        if city is None or Report.objects.filter(token=token).exists():
            continue
        category = Category.objects.get(city=city, code=code)
        created = now - timedelta(days=days)
        closed = status in (Status.RESOLVED,)
        report = Report.objects.create(
            token=token,
            city=city,
            category=category,
            department=category.responsible_department(),
            district=district_for_point(city, lon, lat),
            latitude=lat,
            longitude=lon,
            description=text,
            status=status,
            status_notes=note,
            source=Report.Source.WEB,
            created_at=created,
            updated_at=created + timedelta(hours=20) if status != Status.RECEIVED else created,
            first_response_at=created + timedelta(hours=20) if status != Status.RECEIVED else None,
            closed_at=created + timedelta(days=4) if closed else None,
        )
        Event.objects.create(
            report=report, kind=Event.Kind.CREATED, new_status=Status.RECEIVED, created_at=created
        )
        if status != Status.RECEIVED:
            Event.objects.create(
                report=report,
                kind=Event.Kind.STATUS,
                old_status=Status.RECEIVED,
                new_status=status,
                public_note=note,
                created_at=created + timedelta(hours=20),
            )
