"""Demo content: the strategy's 12 action fields, projects, places and partners named in
public sources about the programme. Coordinates are approximate; everything is marked as
demo content (``is_demo``). Idempotent."""

import datetime

from django.db import transaction

from smartcity.core.models import City
from smartcity.core.registries import DemoLoader, demo_loaders
from smartcity.portfolio import geo
from smartcity.portfolio.models import (
    ActionField,
    ExpertTeam,
    Indicator,
    IndicatorValue,
    Milestone,
    Partner,
    Place,
    Project,
    ProjectPartner,
    Strategy,
    Tag,
)

ACTION_FIELDS = [
    ("daten-und-plattformen", "Daten und Plattformen", "#00568f", "database"),
    ("zusammenleben-und-mitmachen", "Zusammenleben und Mitmachen", "#a3195b", "people"),
    ("trends-forschung-entwicklung", "Trends, Forschung und Entwicklung", "#5c2d91", "flask"),
    ("sicherheit-und-vertrauen", "Sicherheit und Vertrauen", "#333f48", "shield"),
    ("raum-und-infrastruktur", "Raum und Infrastruktur", "#7a4b00", "bridge"),
    ("intelligente-mobilitaet", "Intelligente Mobilität", "#006b5e", "bus"),
    ("wirtschaft-handel-tourismus", "Wirtschaft, Handel und Tourismus", "#8a3b00", "shop"),
    ("bildung-kultur-freizeit", "Bildung, Kultur und Freizeit", "#2f5d00", "book"),
    ("bauen-und-wohnen", "Bauen und Wohnen", "#6b3a2a", "house"),
    ("energie-und-umwelt", "Energie und Umwelt", "#1d5e20", "leaf"),
    ("gesundheit-und-soziales", "Gesundheit und Soziales", "#a30000", "heart"),
    ("digitale-verwaltung", "Digitale Verwaltung", "#003d66", "building"),
]

PARTNERS = [
    # slug, name, kind, founding member, website
    ("stadt-dortmund", "Stadt Dortmund", "public", True, "https://www.dortmund.de/"),
    ("ihk-zu-dortmund", "IHK zu Dortmund", "association", True, "https://www.ihk.de/dortmund/"),
    ("leitstelle-energiewende-dortmund", "Leitstelle Energiewende Dortmund", "public", True, ""),
    ("cisco", "Cisco", "company", True, "https://www.cisco.com/"),
    ("stadt-schwerte", "Stadt Schwerte", "public", False, "https://www.schwerte.de/"),
    (
        "tu-dortmund",
        "Technische Universität Dortmund",
        "research",
        False,
        "https://www.tu-dortmund.de/",
    ),
    ("fh-dortmund", "Fachhochschule Dortmund", "research", False, "https://www.fh-dortmund.de/"),
    (
        "fraunhofer-iml",
        "Fraunhofer-Institut für Materialfluss und Logistik IML",
        "research",
        False,
        "https://www.iml.fraunhofer.de/",
    ),
]

DT, SW = "dortmund", "schwerte"
PROJECTS = [
    # code, title, kind, status, cities, action fields, location, partners (slug, role), summary
    (
        "DP 01",
        "Smart-City-Datenplattform und Dashboards",
        "city",
        "in_operation",
        [DT, SW],
        ["daten-und-plattformen"],
        None,
        [("stadt-dortmund", "lead"), ("cisco", "partner")],
        "Die gemeinsame urbane Datenplattform bündelt Daten aus Sensorik und Fachverfahren und "
        "zeigt sie in Dashboards.",
    ),
    (
        "DP 02",
        "Digitaler Zwilling",
        "city",
        "in_progress",
        [DT],
        ["daten-und-plattformen", "raum-und-infrastruktur"],
        None,
        [("stadt-dortmund", "lead")],
        "Ein dreidimensionales, datenbasiertes Abbild der Stadt für Planung und Beteiligung.",
    ),
    (
        "DP 03",
        "Open-Data-Portal",
        "city",
        "in_operation",
        [DT],
        ["daten-und-plattformen"],
        None,
        [("stadt-dortmund", "lead")],
        "Rund 490 offene Datensätze der Stadt Dortmund, frei nutzbar und maschinenlesbar.",
    ),
    (
        "EU 01",
        "Klimasensorik",
        "city",
        "in_operation",
        [DT],
        ["energie-und-umwelt"],
        None,
        [("stadt-dortmund", "lead"), ("tu-dortmund", "research")],
        "80 Wetterstationen an 76 Standorten messen Temperatur, Feuchte und Niederschlag.",
    ),
    (
        "RI 01",
        "Brückensensorik",
        "city",
        "pilot",
        [DT],
        ["raum-und-infrastruktur"],
        {"type": "LineString", "coordinates": [[7.4569, 51.5203], [7.4601, 51.5219]]},
        [("stadt-dortmund", "lead"), ("fh-dortmund", "research")],
        "Sensoren für Neigung, Risse, Dehnung und Temperatur an mehreren Brücken melden früh, "
        "wenn sich der Zustand einer Brücke ändert.",
    ),
    (
        "BK 01",
        "Smarte Schulen",
        "city",
        "pilot",
        [DT],
        ["bildung-kultur-freizeit"],
        None,
        [("stadt-dortmund", "lead")],
        "Umweltsensoren in Klassenräumen messen CO₂, Temperatur und Feuchte für gutes Lernklima.",
    ),
    (
        "DV 01",
        "Dortmund-App",
        "city",
        "in_operation",
        [DT],
        ["digitale-verwaltung"],
        None,
        [("stadt-dortmund", "lead")],
        "Nachrichten, Veranstaltungen, ortsbezogene Informationen, Mängelmelder und "
        "Terminbuchung in einer App; gestartet im Oktober 2023.",
    ),
    (
        "DV 02",
        "Stadtportal dortmund.de",
        "city",
        "in_operation",
        [DT],
        ["digitale-verwaltung"],
        None,
        [("stadt-dortmund", "lead")],
        "Das neue Stadtportal: Verwaltungsleistungen, Nachrichten und Service an einem Ort.",
    ),
    (
        "ZM 01",
        "Digitale Beteiligung",
        "city",
        "in_progress",
        [DT, SW],
        ["zusammenleben-und-mitmachen"],
        None,
        [("stadt-dortmund", "lead"), ("stadt-schwerte", "partner")],
        "Online mitreden: Ideen, Kommentare und Umfragen zu den Vorhaben beider Städte.",
    ),
    (
        "IM 01",
        "Mobilitäts-Hub Schwerte",
        "city",
        "planned",
        [SW],
        ["intelligente-mobilitaet"],
        geo.point(7.5661, 51.4436),
        [("stadt-schwerte", "lead")],
        "Am Bahnhof Schwerte kommen Bahn, Bus, Leihrad und Carsharing an einem Ort zusammen.",
    ),
    (
        "EU 02",
        "Quartiersenergie im Hafen (Pilot)",
        "partner_pilot",
        "pilot",
        [DT],
        ["energie-und-umwelt"],
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [7.440, 51.524],
                    [7.452, 51.524],
                    [7.452, 51.530],
                    [7.440, 51.530],
                    [7.440, 51.524],
                ]
            ],
        },
        [("leitstelle-energiewende-dortmund", "lead")],
        "Beispiel eines Partnerpiloten (Demo): Energiedaten eines Quartiers am Hafen.",
    ),
]

PLACES = [
    (
        "projektor",
        "PROJEKTOR – Stadtlabor am Westenhellweg",
        "neighbourhood",
        DT,
        "Westenhellweg, 44137 Dortmund",
        7.4620,
        51.5137,
        "Di–Sa 11–18 Uhr",
        "Das Stadtlabor in der Innenstadt: ausprobieren, mitreden, Projekte kennenlernen.",
    ),
    (
        "makerspace-dortmunder-u",
        "MakerSpace im Dortmunder U",
        "neighbourhood",
        DT,
        "Leonie-Reygers-Terrasse, 44137 Dortmund",
        7.4560,
        51.5155,
        "Mi–So 11–18 Uhr",
        "Offene Werkstatt mit 3D-Druckern, Lasercutter und Elektronik.",
    ),
    (
        "tu-dortmund",
        "Technische Universität Dortmund",
        "research",
        DT,
        "August-Schmidt-Straße 4, 44227 Dortmund",
        7.4145,
        51.4929,
        "",
        "Universität.",
    ),
    (
        "fh-dortmund",
        "Fachhochschule Dortmund",
        "research",
        DT,
        "Emil-Figge-Straße 44, 44227 Dortmund",
        7.4190,
        51.4937,
        "",
        "Hochschule.",
    ),
    (
        "fraunhofer-iml",
        "Fraunhofer IML",
        "research",
        DT,
        "Joseph-von-Fraunhofer-Straße 2–4, 44227 Dortmund",
        7.4053,
        51.4966,
        "",
        "Forschung zu Logistik und Materialfluss.",
    ),
    (
        "smart-city-buero-schwerte",
        "Smart-City-Büro im Rathaus Schwerte",
        "competence_centre",
        SW,
        "Rathausstraße 31, 58239 Schwerte",
        7.5655,
        51.4457,
        "Mo–Fr 8–12 Uhr",
        "Anlaufstelle für die Smart-City-Vorhaben in Schwerte.",
    ),
]


def _action_fields():
    strategy, _created = Strategy.objects.update_or_create(
        slug="dortmund-schwerte",
        defaults={
            "name": "Smart-City-Strategie Dortmund Schwerte",
            "description": "Digital Operating System Dortmund Schwerte.",
        },
    )
    strategy.cities.set(City.objects.filter(slug__in=[DT, SW]))
    for order, (slug, name, colour, icon) in enumerate(ACTION_FIELDS, start=1):
        ActionField.objects.update_or_create(
            slug=slug,
            defaults={
                "strategy": strategy,
                "name": name,
                "order": order,
                "colour": colour,
                "icon": icon,
            },
        )


def _partners():
    for slug, name, kind, founder, website in PARTNERS:
        partner, _created = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "founding_member": founder,
                "website": website,
                "is_demo": True,
                "member_since": datetime.date(2019, 1, 1) if founder else None,
                "description": f"{name} ist Teil der Allianz Smart City.",
            },
        )
        partner.cities.set(City.objects.filter(slug=SW if slug == "stadt-schwerte" else DT))


def _projects():
    cities = {city.slug: city for city in City.objects.all()}
    for code, title, kind, status, city_slugs, fields, location, roles, summary in PROJECTS:
        project = Project.objects.filter(code=code, is_demo=True).first() or Project(code=code)
        project.title, project.kind, project.status = title, kind, status
        project.summary, project.location, project.is_demo = summary, location, True
        project.city_wide = location is None
        project.lead_department = "Smart-City-Team" if DT in city_slugs else ""
        project.save()
        project.cities.set([cities[slug] for slug in city_slugs])
        project.action_fields.set(ActionField.objects.filter(slug__in=fields))
        for partner_slug, role in roles:
            ProjectPartner.objects.update_or_create(
                project=project,
                partner=Partner.objects.get(slug=partner_slug),
                defaults={"role": role},
            )
    bridges = Project.objects.get(code="RI 01", is_demo=True)
    tag, _created = Tag.objects.get_or_create(slug="bruecke", defaults={"name": "Brücke"})
    bridges.tags.add(tag)
    _open_data_indicator()
    _app_milestones()


def _open_data_indicator():
    project = Project.objects.get(code="DP 03", is_demo=True)
    indicator, _created = Indicator.objects.update_or_create(
        project=project,
        name="Offene Datensätze",
        defaults={
            "unit": "Datensätze",
            "baseline": 120,
            "target": 600,
            "target_date": datetime.date(2026, 12, 31),
        },
    )
    for year, value in ((2021, 210), (2022, 330), (2023, 420), (2024, 490)):
        IndicatorValue.objects.update_or_create(
            indicator=indicator, date=datetime.date(year, 12, 31), defaults={"value": value}
        )


def _app_milestones():
    project = Project.objects.get(code="DV 01", is_demo=True)
    for order, (title, planned, actual) in enumerate(
        (
            (
                "Ausschreibung abgeschlossen",
                datetime.date(2022, 9, 30),
                datetime.date(2022, 10, 14),
            ),
            ("Start der Dortmund-App", datetime.date(2023, 10, 1), datetime.date(2023, 10, 1)),
            ("Terminbuchung in der App", datetime.date(2024, 6, 30), None),
        ),
        start=1,
    ):
        Milestone.objects.update_or_create(
            project=project,
            title=title,
            defaults={"order": order, "planned_date": planned, "actual_date": actual},
        )


def _places():
    cities = {city.slug: city for city in City.objects.all()}
    for slug, name, kind, city, address, lon, lat, hours, description in PLACES:
        Place.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "city": cities[city],
                "address": address,
                "location": geo.point(lon, lat),
                "opening_hours": hours,
                "description": description,
                "is_demo": True,
            },
        )


def _expert_teams():
    teams = [
        (
            "daten-und-plattformen",
            "Expertenteam Daten und Plattformen",
            "Urbane Datenplattform, offene Daten, Schnittstellen",
            ["cisco", "tu-dortmund"],
            ["DP 01", "DP 03"],
        ),
        (
            "energie-und-umwelt",
            "Expertenteam Energie und Umwelt",
            "Klimaanpassung, Energiewende im Quartier",
            ["leitstelle-energiewende-dortmund"],
            ["EU 01", "EU 02"],
        ),
    ]
    for slug, name, topic, members, codes in teams:
        team, _created = ExpertTeam.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "topic": topic,
                "is_demo": True,
                "action_field": ActionField.objects.get(slug=slug),
            },
        )
        team.members.set(Partner.objects.filter(slug__in=members))
        team.projects.set(Project.objects.filter(code__in=codes, is_demo=True))


@transaction.atomic
def load() -> None:
    _action_fields()
    _partners()
    _projects()
    _places()
    _expert_teams()


demo_loaders.register("portfolio", DemoLoader("portfolio", load, order=20))
