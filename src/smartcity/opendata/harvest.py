"""Moving an existing catalogue in: harvesting a CKAN portal over its Action API.

Each remote package is mapped onto our fields (licences and formats onto the DCAT-AP.de and
EU lists), saved in its own transaction through ``services`` and remembered by its source, so
a second run updates instead of duplicating. A package that cannot be mapped is skipped with
the reason; it never leaves half a dataset behind.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from smartcity.opendata import services, vocab
from smartcity.opendata.ckan.errors import ActionError
from smartcity.opendata.models import Dataset, Organization

PAGE_ROWS = 1000
USER_AGENT = "smartcity-opendata-harvester/1.0"
# Licence ids CKAN portals use, mapped onto the dcat-ap.de list.
LICENCE_ALIASES = {
    "dl-de-by-2.0": "dl-by-de/2.0",
    "dl-de-by-1.0": "dl-by-de/1.0",
    "dl-de-zero-2.0": "dl-zero-de/2.0",
    "cc-by-4.0": "cc-by/4.0",
    "cc-by": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa/4.0",
    "cc-by-sa": "cc-by-sa",
    "cc-zero": "cc-zero",
    "cc0-1.0": "cc-zero",
    "odc-odbl": "odbl",
    "odc-by": "odby",
    "odc-pddl": "odcpddl",
    "other-open": "other-open",
    "other-closed": "other-closed",
    "notspecified": "other-open",
}


@dataclass
class HarvestReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} angelegt, {len(self.updated)} aktualisiert, "
            f"{len(self.skipped)} übersprungen"
        )


class HarvestError(Exception):
    pass


def map_licence(value: str | None) -> str:
    if not value:
        return vocab.DEFAULT_LICENCE
    licence = vocab.licence_for(value)
    if licence is not None:
        return licence.id
    mapped = LICENCE_ALIASES.get(str(value).strip().lower())
    if mapped and mapped in vocab.LICENCES:
        return mapped
    raise ValidationError({"license_id": f"Lizenz „{value}“ ist nicht in der dcat-ap.de-Liste."})


def _organization(package: dict) -> Organization:
    remote = package.get("organization") or {}
    name = slugify(remote.get("name") or "importiert")[:100] or "importiert"
    organization, _ = Organization.objects.get_or_create(
        name=name,
        defaults={
            "title": remote.get("title") or name,
            "description": remote.get("description") or "",
        },
    )
    return organization


def _resource(resource: dict) -> dict | None:
    file_type = vocab.file_type_for(resource.get("format")) or vocab.file_type_for(
        (resource.get("url") or "").rsplit(".", 1)[-1]
    )
    if not resource.get("url") or file_type is None:
        return None
    fields = {
        "name": (resource.get("name") or file_type.label)[:300],
        "description": resource.get("description") or "",
        "url": resource["url"],
        "format": file_type.code,
    }
    if resource.get("mimetype"):
        fields["media_type"] = resource["mimetype"][:120]
    return fields


def import_package(package: dict, source: str, report: HarvestReport) -> Dataset | None:
    """Create or update one dataset from a CKAN package dict; skipped ones go to the report."""
    from smartcity.opendata.ckan.write import dataset_fields

    remote_name = package.get("name") or package.get("id") or "?"
    name = re.sub(r"[^a-z0-9_-]", "-", str(remote_name).lower())[:100]
    existing = Dataset.objects.filter(name=name).first()
    if existing is not None and existing.extras.get("harvest_source") != source:
        report.skipped.append((remote_name, "Kurzname schon von einem anderen Datensatz belegt"))
        return None
    try:
        with transaction.atomic():
            organization = _organization(package)
            data = {
                "name": name,
                "title": package.get("title") or remote_name,
                "notes": package.get("notes") or package.get("title") or "",
                "url": package.get("url") or "",
                "version": (package.get("version") or "")[:50],
                "maintainer": package.get("maintainer") or package.get("author") or "",
                "maintainer_email": package.get("maintainer_email")
                or package.get("author_email")
                or organization.email,
                "tags": [tag for tag in package.get("tags") or [] if tag],
                "extras": [
                    item
                    for item in package.get("extras") or []
                    if isinstance(item, dict) and item.get("key") != "city"
                ],
            }
            themes = services.ensure_groups()
            data["groups"] = [
                {"name": group.get("name")}
                for group in package.get("groups") or []
                if str(group.get("name", "")).upper() in themes
            ]
            fields, tags, groups = dataset_fields(data)
            fields["organization"] = organization
            fields["license_id"] = map_licence(package.get("license_id"))
            fields["extras"] = {
                **fields.get("extras", {}),
                "harvest_source": source,
                "harvest_id": package.get("id", ""),
            }
            if not fields.get("contact_name"):
                fields["contact_name"] = organization.title
            if not fields.get("contact_email"):
                raise ValidationError({"maintainer_email": "Keine Kontaktadresse angegeben."})
            if not existing and not fields.get("municipality_key"):
                # Without a municipality key the dataset is at least the state's.
                fields.setdefault("political_geocoding_level", "state")
            dataset = services.save_dataset(fields, dataset=existing, tags=tags, groups=groups)
            for distribution in list(dataset.distributions.all()):
                services.delete_distribution(distribution)
            for resource in package.get("resources") or []:
                mapped = _resource(resource)
                if mapped is not None:
                    services.save_distribution(dataset, mapped)
    except (ValidationError, ActionError) as error:
        reason = (
            "; ".join(
                f"{key}: {' '.join(map(str, value))}" for key, value in error.message_dict.items()
            )
            if isinstance(error, ValidationError) and hasattr(error, "message_dict")
            else getattr(error, "message", str(error))
        )
        report.skipped.append((remote_name, reason))
        return None
    (report.updated if existing else report.created).append(name)
    return dataset


def _fetch_json(url: str, timeout: float = 60) -> dict:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def harvest_ckan(base_url: str, *, limit: int | None = None, fq: str = "", fetch=_fetch_json):
    """Page through ``package_search`` (``sort=id asc``, 1000 rows) and import everything."""
    if not re.match(r"^https?://", base_url):
        raise HarvestError("Die Adresse muss mit http:// oder https:// beginnen.")
    base = base_url.rstrip("/")
    report = HarvestReport()
    start = 0
    while True:
        rows = PAGE_ROWS if limit is None else min(PAGE_ROWS, limit - start)
        if rows <= 0:
            break
        query = urllib.parse.urlencode({"sort": "id asc", "rows": rows, "start": start, "fq": fq})
        try:
            body = fetch(f"{base}/api/3/action/package_search?{query}")
        except (OSError, ValueError) as error:
            raise HarvestError(f"{base} antwortet nicht wie eine CKAN-API: {error}") from error
        if not isinstance(body, dict) or not body.get("success"):
            problem = body.get("error") if isinstance(body, dict) else body
            raise HarvestError(f"{base} meldet einen Fehler: {problem}")
        results = body["result"]["results"]
        if not results:
            break
        for package in results:
            import_package(package, base, report)
        start += len(results)
    return report
