"""Defect reports (Mängelmelder): categories, departments, reports, photos, history."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City, District

MAX_DESCRIPTION = 4000


class Status(models.TextChoices):
    RECEIVED = "received", _("Eingegangen")
    CONFIRMED = "confirmed", _("Bestätigt")
    IN_PROGRESS = "in_progress", _("In Bearbeitung")
    FORWARDED = "forwarded", _("Weitergeleitet")
    RESOLVED = "resolved", _("Erledigt")
    NOT_RESPONSIBLE = "not_responsible", _("Nicht zuständig")
    DUPLICATE = "duplicate", _("Doppelte Meldung")
    REJECTED = "rejected", _("Abgelehnt")


OPEN_STATUSES = [Status.RECEIVED, Status.CONFIRMED, Status.IN_PROGRESS, Status.FORWARDED]
CLOSED_STATUSES = [s for s in Status if s not in OPEN_STATUSES]


class Department(models.Model):
    """A body that works off reports (Open311 ``agency_responsible``)."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="departments", verbose_name=_("Stadt")
    )
    slug = models.SlugField(_("Kurzname"))
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    external = models.BooleanField(
        _("Externe Stelle"),
        default=False,
        help_text=_("Z. B. Versorger, an den weitergeleitet wird."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="defect_departments",
        verbose_name=_("Mitarbeitende"),
        help_text=_("Ihre Warteschlange zeigt zuerst die Meldungen dieses Fachbereichs."),
    )
    is_default = models.BooleanField(
        _("Eingangsstelle der Stadt"),
        default=False,
        help_text=_(
            "Erhält die Meldungen aller Kategorien ohne eigenen Fachbereich. "
            "Höchstens einer je Stadt."
        ),
    )

    class Meta:
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="department_slug_per_city"),
            models.UniqueConstraint(
                fields=["city"],
                condition=models.Q(is_default=True),
                name="one_default_department_per_city",
            ),
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """What can be reported in a city (Open311 service); routed to a department."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="defect_categories", verbose_name=_("Stadt")
    )
    code = models.SlugField(_("Code"), max_length=60, help_text=_("Open311 service_code"))
    name = models.CharField(_("Name"), max_length=200)
    group = models.CharField(_("Gruppe"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    keywords = models.CharField(_("Schlagwörter"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("Zuständiger Fachbereich"),
        help_text=_("Leer: die Eingangsstelle der Stadt ist zuständig."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    ordering = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["city", "group", "ordering", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="category_code_per_city")
        ]

    def __str__(self):
        return f"{self.group}: {self.name}"

    def responsible_department(self) -> "Department | None":
        """The category's own department, else the city's default one (None if neither)."""
        if self.department_id:
            return self.department
        return Department.objects.filter(city_id=self.city_id, is_default=True).first()


class AttributeType(models.TextChoices):
    STRING = "string", _("Text (kurz)")
    NUMBER = "number", _("Zahl")
    DATETIME = "datetime", _("Datum und Uhrzeit")
    TEXT = "text", _("Text (lang)")
    SINGLE = "singlevaluelist", _("Auswahl (eine)")
    MULTI = "multivaluelist", _("Auswahl (mehrere)")


class CategoryAttribute(models.Model):
    """An extra question for a category (Open311 service definition attribute)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("Kategorie")
    )
    code = models.SlugField(_("Code"), max_length=60)
    variable = models.BooleanField(_("Eingabe durch Meldende"), default=True)
    datatype = models.CharField(_("Datentyp"), max_length=20, choices=AttributeType.choices)
    required = models.BooleanField(_("Pflichtangabe"), default=False)
    description = models.CharField(_("Frage"), max_length=300)
    datatype_description = models.CharField(_("Hinweis zum Format"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    values = models.JSONField(
        _("Auswahlwerte"), default=list, blank=True, help_text=_('[{"key": "…", "name": "…"}]')
    )

    class Meta:
        verbose_name = _("Zusatzfrage")
        verbose_name_plural = _("Zusatzfragen")
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="attribute_code_per_category")
        ]

    def __str__(self):
        return self.code


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def public(self):
        return self.select_related("category", "department", "district", "city")


class Report(models.Model):
    """A citizen's report of a defect. Reporter contact data is never public."""

    class Source(models.TextChoices):
        WEB = "web", _("Webformular")
        OPEN311 = "open311", _("Open311")
        STAFF = "staff", _("Verwaltung")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="defect_reports", verbose_name=_("Stadt")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Kategorie")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Fachbereich")
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("Stadtbezirk")
    )
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    address_id = models.CharField(_("Adress-ID"), max_length=60, blank=True)
    zipcode = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    description = models.TextField(_("Beschreibung"), max_length=MAX_DESCRIPTION)
    attributes = models.JSONField(_("Zusatzangaben"), default=dict, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    status_notes = models.TextField(_("Öffentlicher Hinweis"), blank=True)
    expected_at = models.DateTimeField(_("Voraussichtlich erledigt"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_defect_reports",
        verbose_name=_("Bearbeitet von"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Duplikat von"),
    )
    # Private: only staff and the reporter's own data export see these.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="defect_reports",
        verbose_name=_("Meldende Person (Konto)"),
    )
    reporter_email = models.EmailField(_("E-Mail der meldenden Person"), blank=True)
    reporter_name = models.CharField(_("Name der meldenden Person"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("Telefon der meldenden Person"), max_length=40, blank=True)
    token = models.CharField(
        _("Öffentliches Kennzeichen"), max_length=40, default=new_token, unique=True
    )
    source = models.CharField(_("Eingang über"), max_length=10, choices=Source.choices)
    supporter_count = models.PositiveIntegerField(_("Unterstützungen"), default=0)
    created_at = models.DateTimeField(_("gemeldet"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    first_response_at = models.DateTimeField(_("erste Reaktion"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Open311 lists: status and date window as ranges, the bbox checked inside the index.
            models.Index(
                fields=["city", "status", "created_at", "latitude", "longitude"],
                name="report_status_created_bbox",
            ),
            models.Index(fields=["city", "created_at"], name="report_city_created"),
            models.Index(fields=["city", "updated_at"], name="report_city_updated"),
            models.Index(fields=["city", "latitude", "longitude"], name="report_city_lat_lon"),
            models.Index(
                fields=["category", "status", "latitude", "longitude"],
                name="report_duplicate_check",
            ),
            models.Index(fields=["department", "status"], name="report_department_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.category.name}"

    def get_absolute_url(self):
        return reverse("defects:detail", kwargs={"city": self.city.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open311_status(self) -> str:
        return "open" if self.is_open else "closed"


class Support(models.Model):
    """Someone confirms an existing report ("me too"). One per person and report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="supports", verbose_name=_("Meldung")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="defect_supports",
    )
    # A hash of the account or browser session, so one person counts once without storing who.
    fingerprint = models.CharField(max_length=64)
    # A keyed hash of the network address (IPv6: its /64) and this report, so a second support
    # without an account from the same address is not counted again (a new browser session
    # is not a new person); not the address itself, and not comparable between reports.
    address_mark = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Unterstützung")
        verbose_name_plural = _("Unterstützungen")
        constraints = [
            models.UniqueConstraint(fields=["report", "fingerprint"], name="support_once")
        ]
        indexes = [models.Index(fields=["report", "address_mark"], name="support_address")]

    def __str__(self):
        return f"{self.report_id}: {self.created_at:%Y-%m-%d}"


class Photo(models.Model):
    """A re-encoded photo without metadata; public only after review."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Ungeprüft")
        APPROVED = "approved", _("Freigegeben")
        HIDDEN = "hidden", _("Verborgen")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("Meldung")
    )
    image = models.ImageField(_("Bild"), upload_to="defects/photos/%Y/%m/")
    thumbnail = models.ImageField(_("Vorschau"), upload_to="defects/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    review = models.CharField(
        _("Prüfung"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["report", "id"]

    def __str__(self):
        return f"{_('Foto')} {self.pk}"


class Event(models.Model):
    """One step in a report's history."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Gemeldet")
        STATUS = "status", _("Status geändert")
        NOTE = "note", _("Hinweis")
        ASSIGNED = "assigned", _("Zugewiesen")
        SUPPORTED = "supported", _("Unterstützt")
        MERGED = "merged", _("Zusammengeführt")
        PHOTO = "photo", _("Foto geprüft")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("Meldung")
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("durch"),
    )
    old_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    public_note = models.TextField(_("Öffentlicher Hinweis"), blank=True)
    internal_note = models.TextField(_("Interner Vermerk"), blank=True)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.get_kind_display()}"


class Address(models.Model):
    """One entry of the city's own address list, for address search without outside services."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="defect_addresses", verbose_name=_("Stadt")
    )
    street = models.CharField(_("Straße"), max_length=200)
    house_number = models.CharField(_("Hausnummer"), max_length=20, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))
    external_id = models.CharField(_("Adress-ID"), max_length=60, blank=True)
    search_text = models.CharField(max_length=300, db_index=True, editable=False)

    class Meta:
        verbose_name = _("Adresse")
        verbose_name_plural = _("Adressen")
        ordering = ["city", "street", "house_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "street", "house_number", "postcode"], name="address_unique"
            )
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.search_text = normalise(f"{self.street} {self.house_number} {self.postcode}")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        return f"{street}, {self.postcode}" if self.postcode else street


def normalise(text: str) -> str:
    """Lower case with German spelling variants folded, for address matching."""
    text = text.lower().replace("ß", "ss").replace("str.", "strasse")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, plain)
    return " ".join(text.split())
