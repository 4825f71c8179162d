"""Demo catalogue for Dortmund and Schwerte: organisations and a few dozen datasets, all marked
``is_demo`` and tagged "Demo". Idempotent: datasets are keyed by name and left alone once there.

The figures are invented but plausible; a handful of datasets carry generated files so the
previews (table, map, chart) have something to show.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta

import orjson
from django.db import transaction

from smartcity.core.models import City
from smartcity.opendata import services
from smartcity.opendata.demo_data import DATASETS, ORGANIZATIONS
from smartcity.opendata.models import Dataset, Organization


def _organizations() -> list[Organization]:
    cities = {city.slug: city for city in City.objects.all()}
    organizations = []
    for name, title, city_slug in ORGANIZATIONS:
        organization, _ = Organization.objects.get_or_create(
            name=name,
            defaults={
                "title": title,
                "city": cities.get(city_slug),
                "email": "opendata@dortmund.example"
                if city_slug != "schwerte"
                else "opendata@schwerte.example",
                "description": f"{title} (Demo).",
                "is_demo": True,
            },
        )
        organizations.append(organization)
    return organizations


def _trees_csv(rng: random.Random) -> bytes:
    species = ["Stiel-Eiche", "Winter-Linde", "Spitz-Ahorn", "Hainbuche", "Platane", "Rot-Buche"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["baum_id", "art", "pflanzjahr", "hoehe_m", "latitude", "longitude"])
    for number in range(1, 121):
        writer.writerow(
            [
                f"DO-{number:05d}",
                rng.choice(species),
                rng.randint(1950, 2023),
                round(rng.uniform(4, 28), 1),
                round(51.49 + rng.uniform(0, 0.05), 5),
                round(7.42 + rng.uniform(0, 0.09), 5),
            ]
        )
    return out.getvalue().encode()


def _playgrounds_geojson(rng: random.Random, city: City) -> bytes:
    features = []
    for number in range(1, 26):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(city.longitude - 0.05 + rng.uniform(0, 0.1), 5),
                        round(city.latitude - 0.03 + rng.uniform(0, 0.06), 5),
                    ],
                },
                "properties": {
                    "name": f"Spielplatz {number}",
                    "alter": rng.choice(["0–6", "6–12", "alle"]),
                },
            }
        )
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def _population_csv(rng: random.Random, city: City) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["stadtbezirk", "einwohner", "anteil_ueber_65"])
    for district in city.districts.all():
        writer.writerow([district.name, rng.randint(20000, 60000), f"{rng.uniform(15, 28):.1f}"])
    return out.getvalue().encode()


def _air_quality_csv(rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["zeitpunkt", "no2_ugm3", "pm10_ugm3"])
    start = datetime(2024, 3, 1)
    for hour in range(96):
        moment = start + timedelta(hours=hour)
        rush = 15 if moment.hour in (7, 8, 17, 18) else 0
        writer.writerow(
            [
                moment.isoformat(),
                round(18 + rush + rng.uniform(0, 10), 1),
                round(12 + rng.uniform(0, 8), 1),
            ]
        )
    return out.getvalue().encode()


def _election_xlsx(rng: random.Random, city: City) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ratswahl 2020"
    sheet.append(["Stadtbezirk", "Wahlberechtigte", "Wahlbeteiligung %", "SPD", "CDU", "GRÜNE"])
    for district in city.districts.all():
        sheet.append(
            [
                district.name,
                rng.randint(15000, 45000),
                round(rng.uniform(38, 62), 1),
                rng.randint(3000, 9000),
                rng.randint(2000, 7000),
                rng.randint(1500, 6000),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def load() -> None:
    services.ensure_groups()
    groups = {group.theme: group for group in services.ensure_groups().values()}
    organizations = _organizations()
    cities = {city.slug: city for city in City.objects.all()}
    rng = random.Random(2024)  # noqa: S311 - invented demo figures
    for index, (name, title, org, city_slug, themes, tags, frequency, notes) in enumerate(DATASETS):
        if Dataset.objects.filter(name=name).exists():
            continue
        organization = organizations[org]
        city = cities.get(city_slug)
        dataset = services.save_dataset(
            {
                "name": name,
                "title": title,
                "notes": notes + " Demo-Datensatz mit erfundenen Werten.",
                "organization": organization,
                "city": city,
                "frequency": frequency,
                "contact_name": organization.title,
                "contact_email": organization.email,
                "issued": date(2021, 1, 1) + timedelta(days=37 * index),
                "temporal_start": date(2020, 1, 1),
                "is_demo": True,
                "url": city.website if city else "",
            },
            tags=[*tags, "Demo"],
            groups=[groups[code] for code in themes],
        )
        _add_distributions(dataset, rng, city)
    # The platform's own publications, from whatever demo content the other apps loaded.
    from smartcity.opendata import publishing

    publishing.refresh_all()


def _add_distributions(dataset: Dataset, rng: random.Random, city: City | None) -> None:
    name = dataset.name
    if name == "baumkataster-dortmund":
        services.save_distribution(
            dataset, {"name": "Baumkataster (CSV)"}, content=_trees_csv(rng), filename="baeume.csv"
        )
    elif name.startswith("spielplaetze") and city:
        services.save_distribution(
            dataset,
            {"name": "Spielplätze (GeoJSON)"},
            content=_playgrounds_geojson(rng, city),
            filename="spielplaetze.geojson",
        )
    elif name.startswith("bevoelkerung") and city:
        services.save_distribution(
            dataset,
            {"name": "Bevölkerung (CSV)"},
            content=_population_csv(rng, city),
            filename="bevoelkerung.csv",
        )
    elif name == "kommunalwahl-2020-dortmund" and city:
        services.save_distribution(
            dataset,
            {"name": "Ergebnisse (Excel)"},
            content=_election_xlsx(rng, city),
            filename="ratswahl-2020.xlsx",
        )
    elif name == "luftqualitaet-messstationen":
        services.save_distribution(
            dataset,
            {"name": "Stundenwerte März 2024 (CSV)"},
            content=_air_quality_csv(rng),
            filename="luftqualitaet.csv",
        )
    else:
        base = (
            "https://opendata.dortmund.example"
            if city and city.slug == "dortmund"
            else ("https://opendata.schwerte.example")
        )
        services.save_distribution(
            dataset,
            {"name": f"{dataset.title} (CSV)", "url": f"{base}/{name}.csv", "format": "CSV"},
        )
        services.save_distribution(
            dataset,
            {"name": f"{dataset.title} (JSON)", "url": f"{base}/{name}.json", "format": "JSON"},
        )
