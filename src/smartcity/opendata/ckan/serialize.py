"""Our models in CKAN's dictionary shapes (package, resource, organisation, group, tag)."""

from __future__ import annotations

from datetime import UTC

from smartcity.opendata import vocab
from smartcity.opendata.models import Dataset, Distribution, Group, Organization, related


def ckan_time(moment) -> str | None:
    """CKAN writes naive UTC timestamps: ``2024-05-01T10:20:30.123456``."""
    if moment is None:
        return None
    if getattr(moment, "tzinfo", None) is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def resource_dict(distribution: Distribution, request=None, dataset: Dataset | None = None) -> dict:
    dataset = dataset or distribution.dataset
    file_type = vocab.FILE_TYPES.get(distribution.format)
    url = absolute(request, distribution.download_path()) if distribution.file else distribution.url
    return {
        "id": str(distribution.id),
        "package_id": str(dataset.id),
        "name": distribution.name,
        "description": distribution.description,
        "url": url,
        "url_type": "upload" if distribution.file else None,
        "format": distribution.format,
        "format_uri": file_type.uri if file_type else None,
        "mimetype": distribution.media_type or None,
        "size": distribution.size,
        "hash": distribution.checksum,
        "hash_algorithm": "sha256" if distribution.checksum else None,
        "license": vocab.LICENCE_BASE + distribution.effective_license_id,
        "status": distribution.status,
        "position": distribution.position,
        "state": "active",
        "created": ckan_time(distribution.created),
        "last_modified": ckan_time(distribution.last_modified),
        "metadata_modified": ckan_time(distribution.last_modified),
    }


def organization_dict(organization: Organization, package_count: int | None = None) -> dict:
    result = {
        "id": str(organization.id),
        "name": organization.name,
        "title": organization.title,
        "display_name": organization.title,
        "description": organization.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(organization.created),
        "extras": [
            {"key": "contributorID", "value": organization.contributor_id},
            {"key": "city", "value": organization.city.slug if organization.city_id else ""},
        ],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(group: Group, package_count: int | None = None) -> dict:
    result = {
        "id": str(group.id),
        "name": group.name,
        "title": group.title,
        "display_name": group.title,
        "description": group.description,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(group.created),
        "extras": [{"key": "theme", "value": group.theme_uri}],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def tag_dict(tag) -> dict:
    return {
        "id": str(tag.id),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


# Extras that carry DCAT-AP.de fields (the keys of GovData's ckanext-dcatde).
def _extras(dataset: Dataset) -> list[dict]:
    extras = {
        "contributorID": f'["{vocab.CONTRIBUTOR_BASE}{dataset.contributor_id}"]',
        "politicalGeocodingLevelURI": vocab.GEOCODING_LEVEL_BASE
        + dataset.political_geocoding_level,
        "frequency": vocab.FREQUENCY_BASE + dataset.frequency,
        "language": vocab.LANGUAGE_BASE + dataset.language,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "is_demo": "true" if dataset.is_demo else "false",
    }
    municipality_key = dataset.effective_municipality_key()
    if municipality_key:
        extras["politicalGeocodingURI"] = vocab.MUNICIPALITY_KEY_BASE + municipality_key
    if dataset.city_id:
        extras["city"] = dataset.city.slug
    for name in ("temporal_start", "temporal_end", "issued", "modified"):
        value = getattr(dataset, name)
        if value:
            extras[name] = value.isoformat()
    if dataset.documentation:
        extras["documentation"] = dataset.documentation
    if dataset.publication:
        extras["publication"] = dataset.publication
    for key, value in (dataset.extras or {}).items():
        extras.setdefault(str(key), value if isinstance(value, str) else str(value))
    return [{"key": key, "value": value} for key, value in sorted(extras.items())]


def package_dict(dataset: Dataset, request=None) -> dict:
    """The dataset as CKAN's ``package_show`` returns it (uses prefetched relations)."""
    licence = vocab.LICENCES.get(dataset.license_id)
    tags = sorted(related(dataset, "tags"), key=lambda tag: tag.name)
    groups = sorted(related(dataset, "groups"), key=lambda group: group.name)
    distributions = sorted(
        related(dataset, "distributions"), key=lambda item: (item.position, item.created)
    )
    return {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "state": dataset.state,
        "private": dataset.private,
        "url": dataset.url,
        "version": dataset.version,
        "author": dataset.organization.title,
        "author_email": dataset.organization.email or None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "license_id": dataset.license_id,
        "license_title": licence.title if licence else dataset.license_id,
        "license_url": (licence.url or licence.uri) if licence else None,
        "isopen": bool(licence and licence.open),
        "metadata_created": ckan_time(dataset.metadata_created),
        "metadata_modified": ckan_time(dataset.metadata_modified),
        "owner_org": str(dataset.organization_id),
        "organization": organization_dict(dataset.organization),
        "groups": [group_dict(group) for group in groups],
        "tags": [tag_dict(tag) for tag in tags],
        "num_tags": len(tags),
        "resources": [resource_dict(item, request, dataset) for item in distributions],
        "num_resources": len(distributions),
        "extras": _extras(dataset),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
