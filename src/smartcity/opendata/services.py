"""The catalogue's logic: creating and changing datasets and distributions.

Used alike by the CKAN API, the editor forms, the admin, the importers and the automatic
publications. Every change runs in a transaction and is validated first, so bad input leaves
nothing half-written; every change refreshes the search column and ``metadata_modified``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.core.search import normalise
from smartcity.opendata import uploads, vocab
from smartcity.opendata.models import Dataset, Distribution, Group, Organization, Tag

TAG_PATTERN = re.compile(r"^[\w .\-äöüÄÖÜß]{2,100}$")
DATASET_FIELDS = {
    field.name
    for field in Dataset._meta.get_fields()
    if field.concrete and not field.many_to_many and field.name not in ("id", "search_text")
}
DISTRIBUTION_FIELDS = {
    "name",
    "description",
    "url",
    "format",
    "media_type",
    "license_id",
    "status",
    "position",
}


def ensure_groups() -> dict[str, Group]:
    """The 13 EU data themes as groups (idempotent)."""
    groups = {group.theme: group for group in Group.objects.all()}
    for code, title in vocab.THEMES.items():
        if code not in groups:
            groups[code] = Group.objects.create(name=code.lower(), title=title, theme=code)
    return groups


def clean_tags(names) -> list[str]:
    cleaned: list[str] = []
    for name in names or []:
        name = str(name).strip()
        if not name:
            continue
        if not TAG_PATTERN.match(name):
            raise ValidationError(
                {
                    "tags": _(
                        "Schlagwort „%(tag)s“: 2 bis 100 Zeichen, nur Buchstaben, Ziffern, "
                        "Leerzeichen, „-“, „_“ und „.“."
                    )
                    % {"tag": name[:100]}
                }
            )
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def reindex(dataset: Dataset, save: bool = True) -> Dataset:
    """Refresh the normalised search columns from the dataset and what hangs on it."""
    tags = [tag.name for tag in dataset.tags.all()] if dataset.pk else []
    groups = [group.title for group in dataset.groups.all()] if dataset.pk else []
    distributions = (
        [f"{item.name} {item.format}" for item in dataset.distributions.all()] if dataset.pk else []
    )
    dataset.search_title = normalise(dataset.title)
    dataset.search_text = normalise(
        dataset.title,
        dataset.notes,
        " ".join(tags),
        " ".join(groups),
        dataset.organization.title if dataset.organization_id else "",
        dataset.city.name if dataset.city_id else "",
        " ".join(distributions),
    )
    if save:
        Dataset.objects.filter(pk=dataset.pk).update(
            search_text=dataset.search_text, search_title=dataset.search_title
        )
    return dataset


@transaction.atomic
def save_dataset(
    fields: dict,
    *,
    dataset: Dataset | None = None,
    tags: list[str] | None = None,
    groups: list[Group] | None = None,
) -> Dataset:
    """Create (``dataset=None``) or change a dataset; ``tags``/``groups`` None keeps them.

    Raises ``ValidationError`` naming each bad field; nothing is saved then.
    """
    unknown = set(fields) - DATASET_FIELDS
    if unknown:
        raise ValidationError({name: _("Unbekanntes Feld.") for name in sorted(unknown)})
    dataset = dataset or Dataset()
    for name, value in fields.items():
        setattr(dataset, name, value)
    if (
        dataset._state.adding
        and not fields.get("city")
        and not dataset.municipality_key
        and dataset.organization_id
        and dataset.organization.city_id
    ):
        # Spatial coverage defaults to the publishing organisation's city.
        dataset.city = dataset.organization.city
    if dataset.city_id and not dataset.municipality_key:
        dataset.municipality_key = dataset.city.municipality_key
    tag_names = clean_tags(tags) if tags is not None else None
    dataset.metadata_modified = timezone.now()
    dataset.full_clean(exclude=["search_text", "search_title"])
    dataset.save()
    if tag_names is not None:
        dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names])
    if groups is not None:
        dataset.groups.set(groups)
    reindex(dataset)
    return dataset


def touch(dataset: Dataset) -> None:
    """Mark the dataset as changed (a distribution changed) and refresh its search column."""
    dataset.metadata_modified = timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(metadata_modified=dataset.metadata_modified)
    reindex(dataset)


@transaction.atomic
def delete_dataset(dataset: Dataset) -> Dataset:
    """CKAN semantics: the dataset stays, in state "deleted", so harvesters learn of it."""
    dataset.state = Dataset.State.DELETED
    dataset.metadata_modified = timezone.now()
    dataset.save(update_fields=["state", "metadata_modified"])
    return dataset


def resolve_format(value: str | None, filename: str = "") -> str:
    file_type = vocab.file_type_for(value)
    if file_type is None and not value and filename and "." in filename:
        file_type = vocab.file_type_for(filename.rsplit(".", 1)[-1])
    if file_type is None:
        raise ValidationError(
            {
                "format": _(
                    "Unbekanntes Format „%(value)s“; erlaubt sind die EU-Dateitypen %(codes)s."
                )
                % {"value": value or "", "codes": ", ".join(sorted(vocab.FILE_TYPES))}
            }
        )
    return file_type.code


def resolve_licence(value: str | None, *, field: str = "license_id", blank_ok=False) -> str:
    if not value and blank_ok:
        return ""
    licence = vocab.licence_for(value)
    if licence is None:
        raise ValidationError(
            {
                field: _("Unbekannte Lizenz „%(value)s“; siehe license_list.")
                % {"value": value or ""}
            }
        )
    return licence.id


@transaction.atomic
def save_distribution(
    dataset: Dataset,
    fields: dict,
    *,
    upload=None,
    content: bytes | None = None,
    filename: str = "",
    distribution: Distribution | None = None,
) -> Distribution:
    """Create or change a distribution: a link (``fields["url"]``), an uploaded file
    (``upload``) or generated bytes (``content`` with ``filename``).

    The file is checked against its format, stripped of personal metadata, measured and
    hashed. On any error nothing stays behind, neither row nor file.
    """
    unknown = set(fields) - DISTRIBUTION_FIELDS
    if unknown:
        raise ValidationError({name: _("Unbekanntes Feld.") for name in sorted(unknown)})
    distribution = distribution or Distribution(dataset=dataset)
    if distribution._state.adding and distribution.position == 0:
        distribution.position = dataset.distributions.count()
    upload_name = getattr(upload, "name", "") or filename
    given = dict(fields)
    given["format"] = resolve_format(
        given.get("format", distribution.format if distribution.format else None), upload_name
    )
    if "license_id" in given:
        given["license_id"] = resolve_licence(given["license_id"], blank_ok=True)
    for name, value in given.items():
        setattr(distribution, name, value if value is not None else "")
    file_type = vocab.FILE_TYPES[distribution.format]
    if not distribution.media_type:
        distribution.media_type = file_type.media_type
    if not distribution.name:
        distribution.name = upload_name or distribution.url.rsplit("/", 1)[-1] or file_type.label
    source = None
    if content is not None:
        source = ContentFile(content, name=filename)
    elif upload is not None:
        source = upload
    if source is not None:
        limit = uploads.max_upload_bytes()
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise ValidationError({"upload": str(uploads.UploadTooLarge(limit))})
        uploads.check_content(source, distribution.format, size or 0)
        cleaned = uploads.strip_metadata(source, distribution.format)
        size, checksum = uploads.fingerprint(cleaned)
        distribution.size = size
        distribution.checksum = checksum
        distribution.url = ""
    distribution.last_modified = timezone.now()
    if source is not None:
        # The file arrives with the save below, so the "file or link" rule holds already.
        distribution.clean_fields(exclude=["file", "dataset", "url"])
    else:
        distribution.full_clean(exclude=["dataset"])
    stored_name = None
    try:
        if source is not None:
            old_file = distribution.file.name if distribution.file else None
            distribution.file.save(
                _safe_filename(upload_name or filename), File(cleaned), save=False
            )
            stored_name = distribution.file.name
        distribution.save()
        if source is not None and old_file and old_file != stored_name:
            _delete_file_later(distribution.file.storage, old_file)
        touch(dataset)
    except Exception:
        if stored_name:
            distribution.file.storage.delete(stored_name)
        raise
    return distribution


def _delete_file_later(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


def _safe_filename(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")
    return base[:120] or "daten"


@transaction.atomic
def delete_distribution(distribution: Distribution) -> None:
    dataset = distribution.dataset
    if distribution.file:
        _delete_file_later(distribution.file.storage, distribution.file.name)
    distribution.delete()
    touch(dataset)


def organization_by_ref(reference: str | None) -> Organization | None:
    """An organisation by id or name (as CKAN accepts both)."""
    if not reference:
        return None
    reference = str(reference)
    match = Organization.objects.filter(name=reference).first()
    if match is None and re.fullmatch(r"[0-9a-fA-F-]{32,36}", reference):
        match = Organization.objects.filter(pk=reference).first()
    return match


def dataset_by_ref(reference: str | None, queryset=None) -> Dataset | None:
    if not reference:
        return None
    queryset = queryset if queryset is not None else Dataset.objects.all()
    reference = str(reference)
    match = queryset.filter(name=reference).first()
    if match is None and re.fullmatch(r"[0-9a-fA-F-]{32,36}", reference):
        match = queryset.filter(pk=reference).first()
    return match
