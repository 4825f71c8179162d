"""Automatic publication: datasets whose files the platform produces from live data.

Each registered ``core.registries.Publication`` becomes one distribution of a dataset (several
publications may share a dataset via ``metadata["dataset"]``). ``refresh`` runs on a schedule
(``core.tasks.periodic``, hourly) and on demand (``smartcity opendata publish`` and the
editor's button); a file whose bytes did not change is left alone, so ``metadata_modified``
only moves when the data did and harvesters fetch nothing twice.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction

from smartcity.core.models import City
from smartcity.core.registries import publications
from smartcity.opendata import services
from smartcity.opendata.models import Dataset, Organization

logger = logging.getLogger(__name__)
PLATFORM_ORGANIZATION = "smart-city-plattform"


def platform_organization() -> Organization:
    organization, _ = Organization.objects.get_or_create(
        name=PLATFORM_ORGANIZATION,
        defaults={
            "title": "Smart-City-Plattform Dortmund Schwerte",
            "email": "opendata@dortmund.example",
            "description": "Datensätze, die die Plattform selbst aus ihren Daten erzeugt.",
        },
    )
    return organization


def dataset_name(publication, city) -> str:
    base = publication.metadata.get("dataset", publication.name.replace(".", "-"))
    return f"{city.slug}-{base}" if city is not None else base


def _ensure_dataset(publication, city) -> Dataset:
    name = dataset_name(publication, city)
    dataset = Dataset.objects.filter(name=name).first()
    if dataset is not None:
        return dataset
    metadata = publication.metadata
    organization = platform_organization()
    city_name = city.name if city is not None else "Dortmund und Schwerte"
    groups = services.ensure_groups()
    return services.save_dataset(
        {
            "name": name,
            "title": metadata.get("title", publication.name).format(city=city_name),
            "notes": metadata.get("notes", metadata.get("title", publication.name)).format(
                city=city_name
            ),
            "organization": organization,
            "city": city,
            "frequency": metadata.get("frequency", "DAILY"),
            "contact_name": organization.title,
            "contact_email": organization.email,
            "publication": publication.metadata.get("dataset", publication.name),
            "political_geocoding_level": "municipality" if city is not None else "state",
            "municipality_key": city.municipality_key if city is not None else "",
        },
        tags=metadata.get("tags", []),
        groups=[groups[code] for code in metadata.get("themes", []) if code in groups],
    )


@transaction.atomic
def refresh_one(publication, city) -> bool:
    """Produce the file for ``city`` and store it; True when it changed."""
    dataset = _ensure_dataset(publication, city)
    filename, content = publication.produce(city)
    title = publication.metadata.get("distribution", filename)
    existing = dataset.distributions.filter(name=title).first()
    if existing is not None and existing.checksum == hashlib.sha256(content).hexdigest():
        return False
    fields = {"name": title}
    if publication.metadata.get("format"):
        fields["format"] = publication.metadata["format"]
    elif existing is None:
        fields["format"] = filename.rsplit(".", 1)[-1]
    services.save_distribution(
        dataset, fields, content=content, filename=filename, distribution=existing
    )
    return True


def refresh(name: str) -> int:
    """Refresh one publication for every city (or once); returns how many files changed."""
    publication = publications[name]
    targets = list(City.objects.all()) if publication.metadata.get("per_city", True) else [None]
    changed = 0
    for city in targets:
        changed += refresh_one(publication, city)
    return changed


def refresh_all() -> dict[str, int]:
    """The periodic job: every registered publication; one failing does not stop the rest."""
    results = {}
    for name in publications.names():
        try:
            results[name] = refresh(name)
        except Exception:
            logger.exception("open data publication %s failed", name)
            results[name] = -1
    return results
