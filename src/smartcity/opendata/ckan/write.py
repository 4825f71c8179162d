"""CKAN's write actions: ``package_create``, ``package_update``, ``package_patch``,
``resource_create``. The view has verified a token with scope ``opendata:write``; here each
action checks the user may edit the organisation and maps CKAN's fields onto ours.
Everything runs in one transaction: a bad resource undoes the dataset too.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from smartcity.core.models import City
from smartcity.opendata import services, vocab
from smartcity.opendata.ckan import serialize
from smartcity.opendata.ckan.actions import Context, _with_relations, action
from smartcity.opendata.ckan.errors import NotAuthorized, NotFound, ValidationFailed, from_django
from smartcity.opendata.models import Dataset, Distribution, Group

# Extras we understand, with the field they fill; everything else stays in ``extras``.
EXTRA_FIELDS = {
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "issued": "issued",
    "modified": "modified",
    "documentation": "documentation",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
    "frequency": "frequency",
    "language": "language",
    "politicalGeocodingLevelURI": "political_geocoding_level",
    "politicalGeocodingURI": "municipality_key",
    "contributorID": "contributor_id",
    "city": "city",
}
DATE_FIELDS = {"temporal_start", "temporal_end", "issued", "modified"}
IGNORED_EXTRAS = {"is_demo", "publication"}


def _authorize(context: Context, organization) -> None:
    if context.user is None or not context.user.has_perm("opendata.edit", organization):
        raise NotAuthorized("Keine Berechtigung, Datensätze dieser Organisation zu bearbeiten.")


def _strip_base(value: str, base: str) -> str:
    value = str(value).strip()
    return value[len(base) :] if value.startswith(base) else value


def _extra_value(field: str, value, errors: dict):
    if field in DATE_FIELDS:
        try:
            return date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            errors.setdefault(field, []).append("Datum im Format JJJJ-MM-TT erwartet.")
            return None
    if field == "frequency":
        return _strip_base(value, vocab.FREQUENCY_BASE)
    if field == "language":
        return _strip_base(value, vocab.LANGUAGE_BASE)
    if field == "political_geocoding_level":
        return _strip_base(value, vocab.GEOCODING_LEVEL_BASE)
    if field == "municipality_key":
        return _strip_base(value, vocab.MUNICIPALITY_KEY_BASE)
    if field == "contributor_id":
        text = str(value).strip().strip("[]").split(",")[0].strip().strip('"')
        return _strip_base(text, vocab.CONTRIBUTOR_BASE)
    if field == "city":
        city = City.objects.filter(slug=value).first()
        if city is None and value:
            errors.setdefault("city", []).append(f"Unbekannte Stadt „{value}“.")
        return city
    return value


def dataset_fields(data: dict) -> tuple[dict, list[str] | None, list[Group] | None]:
    """CKAN package dict → (our fields, tag names, groups); raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    fields: dict = {}
    for ours, theirs in (
        ("name", "name"),
        ("title", "title"),
        ("notes", "notes"),
        ("url", "url"),
        ("version", "version"),
    ):
        if theirs in data:
            fields[ours] = data[theirs] if data[theirs] is not None else ""
    if "private" in data:
        fields["private"] = bool(data["private"]) and str(data["private"]).lower() != "false"
    if data.get("state") in ("active", "draft", "deleted"):
        fields["state"] = data["state"]
    if "owner_org" in data:
        organization = services.organization_by_ref(data["owner_org"])
        if organization is None:
            errors["owner_org"] = ["Organisation nicht gefunden."]
        fields["organization"] = organization
    if "license_id" in data:
        try:
            fields["license_id"] = services.resolve_licence(data["license_id"])
        except ValidationError as error:
            errors.update({"license_id": error.message_dict["license_id"]})
    if data.get("maintainer"):
        fields["contact_name"] = data["maintainer"]
    if data.get("maintainer_email"):
        fields["contact_email"] = data["maintainer_email"]
    extras = {}
    for item in data.get("extras") or []:
        if not isinstance(item, dict) or "key" not in item:
            errors.setdefault("extras", []).append("Einträge der Form {key, value} erwartet.")
            continue
        key, value = item["key"], item.get("value")
        if key in EXTRA_FIELDS:
            fields[EXTRA_FIELDS[key]] = _extra_value(EXTRA_FIELDS[key], value, errors)
        elif key not in IGNORED_EXTRAS:
            extras[key] = value
    if "extras" in data:
        fields["extras"] = extras
    tags = None
    if "tags" in data:
        tags = []
        for tag in data.get("tags") or []:
            tags.append(tag.get("name", "") if isinstance(tag, dict) else str(tag))
    groups = None
    if "groups" in data:
        groups = []
        services.ensure_groups()
        for item in data.get("groups") or []:
            reference = item.get("name") or item.get("id") if isinstance(item, dict) else item
            group = Group.objects.filter(name=str(reference).lower()).first()
            if group is None:
                errors.setdefault("groups", []).append(f"Kategorie „{reference}“ gibt es nicht.")
            groups.append(group)
    if errors:
        raise ValidationFailed("Ungültige Eingabe – " + ", ".join(sorted(errors)), errors)
    return fields, tags, groups


def _fill_contact(fields: dict, dataset: Dataset | None) -> None:
    """DCAT-AP.de wants a contact point; CKAN clients often send only the organisation."""
    organization = fields.get("organization") or (dataset.organization if dataset else None)
    if organization is None:
        return
    has_email = fields.get("contact_email") or (dataset and dataset.contact_email)
    if not has_email and organization.email:
        fields["contact_email"] = organization.email
    if not fields.get("contact_name") and not (dataset and dataset.contact_name):
        fields["contact_name"] = organization.title


def _resource_fields(data: dict) -> dict:
    fields = {
        name: data[name]
        for name in ("name", "description", "url", "format", "status", "position")
        if name in data and data[name] is not None
    }
    if "mimetype" in data and data["mimetype"]:
        fields["media_type"] = data["mimetype"]
    if data.get("license"):
        fields["license_id"] = data["license"]
    return fields


def _save_resources(dataset: Dataset, resources, *, replace: bool) -> None:
    if not isinstance(resources, list):
        raise ValidationFailed("resources: Liste erwartet", {"resources": ["Liste erwartet."]})
    existing = {str(item.id): item for item in dataset.distributions.all()}
    kept = set()
    for index, data in enumerate(resources):
        if not isinstance(data, dict):
            raise ValidationFailed(
                "resources: Objekte erwartet", {"resources": ["Objekte erwartet."]}
            )
        current = existing.get(str(data.get("id", "")))
        fields = _resource_fields(data)
        fields.setdefault("position", index)
        if current is not None and current.file and "url" in fields:
            fields.pop("url")  # an uploaded file keeps its own download address
        try:
            saved = services.save_distribution(dataset, fields, distribution=current)
        except ValidationError as error:
            raise from_django(error, prefix=f"resources.{index}.") from None
        kept.add(str(saved.id))
    if replace:
        for key, item in existing.items():
            if key not in kept:
                services.delete_distribution(item)


def _save_package(context: Context, data: dict, dataset: Dataset | None, *, partial: bool):
    fields, tags, groups = dataset_fields(data)
    organization = fields.get("organization") or (dataset.organization if dataset else None)
    if dataset is None and "owner_org" not in data:
        raise ValidationFailed("owner_org: fehlt", {"owner_org": ["Pflichtangabe fehlt."]})
    if organization is not None:
        _authorize(context, organization)
    if dataset is not None:
        _authorize(context, dataset)
    if dataset is not None and not partial:
        # package_update replaces: what the client left out goes back to its default.
        tags = tags if tags is not None else []
        groups = groups if groups is not None else []
    _fill_contact(fields, dataset)
    try:
        with transaction.atomic():
            saved = services.save_dataset(fields, dataset=dataset, tags=tags, groups=groups)
            if "resources" in data:
                _save_resources(saved, data["resources"], replace=True)
    except ValidationError as error:
        raise from_django(error) from None
    return serialize.package_dict(
        _with_relations(Dataset.objects.all()).get(pk=saved.pk), context.request
    )


def _existing(data: dict) -> Dataset:
    reference = data.get("id") or data.get("name")
    dataset = services.dataset_by_ref(reference) if reference else None
    if dataset is None:
        raise NotFound("Not found: Datensatz nicht gefunden")
    return dataset


@action("package_create", write=True)
def package_create(context: Context, params: dict):
    if services.dataset_by_ref(params.get("name")) is not None:
        raise ValidationFailed(
            "name: Dieser Kurzname ist schon vergeben.",
            {"name": ["Dieser Kurzname ist schon vergeben."]},
        )
    return _save_package(context, params, None, partial=False)


@action("package_update", write=True)
def package_update(context: Context, params: dict):
    return _save_package(context, params, _existing(params), partial=False)


@action("package_patch", write=True)
def package_patch(context: Context, params: dict):
    dataset = _existing(params)
    data = {key: value for key, value in params.items() if key != "id"}
    return _save_package(context, data, dataset, partial=True)


@action("resource_create", write=True)
def resource_create(context: Context, params: dict):
    dataset = services.dataset_by_ref(params.get("package_id"))
    if dataset is None:
        raise NotFound("Not found: Datensatz nicht gefunden")
    _authorize(context, dataset)
    upload = context.files.get("upload")
    fields = _resource_fields(params)
    if upload is not None:
        fields.pop("url", None)
    try:
        distribution = services.save_distribution(dataset, fields, upload=upload)
    except ValidationError as error:
        raise from_django(error) from None
    return serialize.resource_dict(
        Distribution.objects.select_related("dataset").get(pk=distribution.pk), context.request
    )
