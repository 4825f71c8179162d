"""The catalogue: organisations, themes, tags, datasets and their distributions.

One truth per dataset: the CKAN API, the DCAT-AP.de export, the web pages and the automatic
publications all read and write these rows through ``services``.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City, municipality_key_validator
from smartcity.opendata import vocab

# CKAN's rule for dataset, organisation and group names.
name_validator = RegexValidator(
    r"^[a-z0-9_-]{2,100}$",
    _("Nur Kleinbuchstaben, Ziffern, „-“ und „_“, 2 bis 100 Zeichen."),
)


def validate_licence(value: str) -> None:
    if value not in vocab.LICENCES:
        raise ValidationError(
            _("„%(value)s“ steht nicht in der Lizenzliste von DCAT-AP.de."), params={"value": value}
        )


def validate_file_type(value: str) -> None:
    if value not in vocab.FILE_TYPES:
        raise ValidationError(
            _("„%(value)s“ steht nicht in der EU-Dateitypliste."), params={"value": value}
        )


class Organization(models.Model):
    """A publisher: a department of a city or a partner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Kurzname"), max_length=100, unique=True, validators=[name_validator])
    title = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opendata_organizations",
        verbose_name=_("Stadt"),
    )
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    contributor_id = models.CharField(
        _("GovData-Datenbereitsteller"),
        max_length=100,
        default=vocab.DEFAULT_CONTRIBUTOR,
        help_text=_("Kennung aus der Liste der Datenbereitsteller von DCAT-AP.de."),
    )
    created = models.DateTimeField(_("angelegt"), default=timezone.now)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Group(models.Model):
    """A theme; the catalogue has the 13 EU data themes as groups, named by their code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Kurzname"), max_length=100, unique=True, validators=[name_validator])
    title = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    theme = models.CharField(
        _("EU-Datenthema"), max_length=4, choices=vocab.choices(vocab.THEMES), unique=True
    )
    created = models.DateTimeField(_("angelegt"), default=timezone.now)

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def theme_uri(self) -> str:
        return vocab.THEME_BASE + self.theme


class Tag(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Schlagwort"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DatasetQuerySet(models.QuerySet):
    def public(self):
        return self.filter(state=Dataset.State.ACTIVE, private=False)


class Dataset(models.Model):
    """A dataset with its DCAT-AP.de metadata (a CKAN "package")."""

    class State(models.TextChoices):
        ACTIVE = "active", _("veröffentlicht")
        DRAFT = "draft", _("Entwurf")
        DELETED = "deleted", _("gelöscht")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Kurzname"), max_length=100, unique=True, validators=[name_validator])
    title = models.CharField(_("Titel"), max_length=300)
    notes = models.TextField(_("Beschreibung"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("Organisation"),
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="datasets", verbose_name=_("Kategorien")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="datasets", verbose_name=_("Schlagwörter")
    )
    license_id = models.CharField(
        _("Lizenz"),
        max_length=60,
        choices=vocab.licence_choices(),
        default=vocab.DEFAULT_LICENCE,
        validators=[validate_licence],
    )
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opendata_datasets",
        verbose_name=_("Stadt (räumliche Abdeckung)"),
    )
    political_geocoding_level = models.CharField(
        _("Politische Ebene"),
        max_length=30,
        choices=vocab.choices(vocab.GEOCODING_LEVELS),
        default="municipality",
    )
    municipality_key = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        blank=True,
        validators=[municipality_key_validator],
    )
    temporal_start = models.DateField(_("Zeitraum von"), null=True, blank=True)
    temporal_end = models.DateField(_("Zeitraum bis"), null=True, blank=True)
    frequency = models.CharField(
        _("Aktualisierungsintervall"),
        max_length=20,
        choices=vocab.choices(vocab.FREQUENCIES),
        default="IRREG",
    )
    language = models.CharField(
        _("Sprache"), max_length=3, choices=vocab.choices(vocab.LANGUAGES), default="DEU"
    )
    contact_name = models.CharField(_("Ansprechpartner"), max_length=200)
    contact_email = models.EmailField(_("E-Mail des Ansprechpartners"))
    contributor_id = models.CharField(
        _("GovData-Datenbereitsteller"), max_length=100, default=vocab.DEFAULT_CONTRIBUTOR
    )
    url = models.URLField(_("Website / Dokumentation"), blank=True)
    documentation = models.URLField(_("Weitere Dokumentation"), blank=True)
    version = models.CharField(_("Version"), max_length=50, blank=True)
    issued = models.DateField(_("veröffentlicht am"), null=True, blank=True)
    modified = models.DateField(_("Daten geändert am"), null=True, blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=State.choices, default=State.ACTIVE
    )
    private = models.BooleanField(_("nicht öffentlich"), default=False)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    publication = models.CharField(
        _("automatische Veröffentlichung"),
        max_length=100,
        blank=True,
        help_text=_("Name der Plattform-Veröffentlichung, die diesen Datensatz erzeugt."),
    )
    extras = models.JSONField(_("Zusatzangaben"), default=dict, blank=True)
    metadata_created = models.DateTimeField(_("Metadaten angelegt"), default=timezone.now)
    metadata_modified = models.DateTimeField(
        _("Metadaten geändert"), default=timezone.now, db_index=True
    )
    # Normalised terms (see ``core.search.normalise``); maintained by ``services.reindex``.
    search_text = models.TextField(editable=False, default="")
    search_title = models.TextField(editable=False, default="")

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("Datensatz")
        verbose_name_plural = _("Datensätze")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["state", "private", "metadata_modified"]),
            models.Index(fields=["state", "private", "id"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("opendata:dataset", kwargs={"name": self.name})

    @property
    def licence(self):
        return vocab.LICENCES.get(self.license_id)

    def clean(self):
        errors = {}
        if self.temporal_start and self.temporal_end and self.temporal_start > self.temporal_end:
            errors["temporal_end"] = _("Das Ende liegt vor dem Beginn.")
        organization_city = self.organization_id and self.organization.city_id
        if self.political_geocoding_level == "municipality" and not (
            self.municipality_key or self.city_id or organization_city
        ):
            errors["municipality_key"] = _(
                "Für die Ebene „Gemeinde“ ist der Gemeindeschlüssel oder die Stadt nötig."
            )
        if errors:
            raise ValidationError(errors)

    def effective_municipality_key(self) -> str:
        return self.municipality_key or (self.city.municipality_key if self.city_id else "")


def upload_path(distribution, filename: str) -> str:
    return f"opendata/{distribution.dataset_id}/{distribution.id}/{filename}"


class Distribution(models.Model):
    """A distribution (a CKAN "resource"): an uploaded file or a link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.CASCADE,
        related_name="distributions",
        verbose_name=_("Datensatz"),
    )
    name = models.CharField(_("Name"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    url = models.URLField(_("Link"), max_length=1000, blank=True)
    file = models.FileField(_("Datei"), upload_to=upload_path, max_length=500, blank=True)
    format = models.CharField(
        _("Format"),
        max_length=20,
        choices=vocab.file_type_choices(),
        validators=[validate_file_type],
    )
    media_type = models.CharField(_("Medientyp"), max_length=120, blank=True)
    size = models.BigIntegerField(_("Größe in Bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256-Prüfsumme"), max_length=64, blank=True)
    license_id = models.CharField(
        _("Lizenz"),
        max_length=60,
        choices=vocab.licence_choices(),
        blank=True,
        validators=[validate_licence],
        help_text=_("Leer: die Lizenz des Datensatzes."),
    )
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=vocab.choices(vocab.DISTRIBUTION_STATUSES),
        default="COMPLETED",
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    created = models.DateTimeField(_("angelegt"), default=timezone.now)
    last_modified = models.DateTimeField(_("geändert"), default=timezone.now)

    class Meta:
        verbose_name = _("Distribution")
        verbose_name_plural = _("Distributionen")
        ordering = ["dataset", "position", "created"]

    def __str__(self):
        return self.name

    @property
    def is_upload(self) -> bool:
        return bool(self.file)

    @property
    def effective_license_id(self) -> str:
        return self.license_id or self.dataset.license_id

    def download_path(self) -> str:
        if self.file:
            filename = self.file.name.rsplit("/", 1)[-1]
            return reverse(
                "opendata:download",
                kwargs={"name": self.dataset.name, "resource_id": self.id, "filename": filename},
            )
        return ""

    def clean(self):
        if not self.url and not self.file:
            raise ValidationError({"url": _("Bitte eine Datei hochladen oder einen Link angeben.")})


def related(instance, name: str):
    """The prefetched rows of a relation without building a manager and queryset per call
    (which costs more than the rows themselves on a page of 1,000 datasets)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    return list(getattr(instance, name).all())
