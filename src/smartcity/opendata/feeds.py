"""Publications fed by the platform's core data, registered like any capability's.

Higher capabilities (portfolio, defects, schools, sensors, bridges) register their own
``Publication`` in their ``AppConfig.ready()``; this module only publishes what the core
holds: the cities' districts, as GeoJSON and CSV.

``Publication.metadata`` keys read by :mod:`smartcity.opendata.publishing`: ``dataset``
(base name; the dataset is ``<city>-<dataset>``), ``title``, ``notes``, ``tags``, ``themes``
(EU codes), ``frequency``, ``distribution`` (its title), ``format`` (EU code, else from the
file name), ``per_city`` (default True; False: one dataset, ``produce(None)``).
"""

from __future__ import annotations

import csv
import io

import orjson

from smartcity.core.registries import Publication, publications

DISTRICT_METADATA = {
    "dataset": "stadtbezirke",
    "title": "Stadtbezirke {city}",
    "notes": "Die Stadtbezirke bzw. Ortsteile von {city} mit Nummer und Grenze, "
    "automatisch aus den Stammdaten der Smart-City-Plattform erzeugt.",
    "tags": ["Stadtbezirke", "Verwaltungsgrenzen", "Geodaten"],
    "themes": ["REGI", "GOVE"],
    "frequency": "IRREG",
}


def districts_geojson(city) -> tuple[str, bytes]:
    features = [
        {
            "type": "Feature",
            "geometry": district.boundary,
            "properties": {
                "nummer": district.number,
                "name": district.name,
                "kurzname": district.slug,
            },
        }
        for district in city.districts.all()
    ]
    return "stadtbezirke.geojson", orjson.dumps({"type": "FeatureCollection", "features": features})


def districts_csv(city) -> tuple[str, bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nummer", "name", "kurzname", "gemeindeschluessel"])
    for district in city.districts.all():
        writer.writerow(
            [district.number or "", district.name, district.slug, city.municipality_key]
        )
    return "stadtbezirke.csv", out.getvalue().encode()


def register_all() -> None:
    publications.register(
        "opendata.districts.geojson",
        Publication(
            "opendata.districts.geojson",
            {**DISTRICT_METADATA, "distribution": "Stadtbezirke (GeoJSON)"},
            districts_geojson,
        ),
    )
    publications.register(
        "opendata.districts.csv",
        Publication(
            "opendata.districts.csv",
            {**DISTRICT_METADATA, "distribution": "Stadtbezirke (CSV)"},
            districts_csv,
        ),
    )
