from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.core import geometry

# First path segments that belong to the platform, so no city may take them as its slug.
RESERVED_SLUGS = {
    "admin",
    "api",
    "konto",
    "i18n",
    "static",
    "media",
    "healthz",
    "readyz",
    "metrics",
    "impressum",
    "datenschutz",
    "barrierefreiheit",
    "leichte-sprache",
    "sta",
    "open311",
    "karte",
    "projekte",
    "partner",
    "orte",
    "handlungsfelder",
    "expertenteams",
    "maengel",
    "einreichen",
    "daten",
    "termine",
    "aktuelles",
    "veranstaltungen",
    "dataset",
    "organization",
    "group",
    "catalog.ttl",
    "catalog.rdf",
    "catalog.jsonld",
    "feeds",
    "ideen",
    "bericht",
    "berichte",
    "beteiligung",
    "bruecken",
    "schulen",
    "werkbank",
}


def validate_city_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("„%(slug)s“ ist für die Plattform reserviert."), params={"slug": value}
        )


municipality_key_validator = RegexValidator(
    r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern.")
)


class City(models.Model):
    """A municipality whose content lives on the platform. Most content belongs to one."""

    slug = models.SlugField(
        _("Kurzname"),
        unique=True,
        validators=[validate_city_slug],
        help_text=_("Teil der Adresse: /<kurzname>/"),
    )
    name = models.CharField(_("Name"), max_length=100)
    municipality_key = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        unique=True,
        validators=[municipality_key_validator],
    )
    state = models.CharField(_("Bundesland"), max_length=60, default="Nordrhein-Westfalen")
    description = models.TextField(_("Beschreibung"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    boundary = models.JSONField(
        _("Stadtgrenze (GeoJSON)"),
        null=True,
        blank=True,
        validators=[geometry.validate_area],
    )
    ordering = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Stadt")
        verbose_name_plural = _("Städte")
        ordering = ["ordering", "name"]

    def __str__(self):
        return self.name

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_prepared_boundary", None)  # a shapely object: neither picklable nor needed
        return state

    def get_absolute_url(self):
        return reverse("core:city", kwargs={"city": self.slug})

    def contains(self, longitude: float, latitude: float) -> bool:
        """Whether a point lies inside the city; true when no boundary is known."""
        if not self.boundary:
            return True
        # Prepared once per instance: map layers test thousands of points against one city.
        cached = self.__dict__.get("_prepared_boundary")
        if cached is None or cached[0] is not self.boundary:
            cached = (self.boundary, geometry.prepared_area(self.boundary))
            self.__dict__["_prepared_boundary"] = cached
        return geometry.prepared_contains(cached[1], longitude, latitude)


class District(models.Model):
    """A district (Stadtbezirk) of a city, optionally with its boundary polygon."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="districts", verbose_name=_("Stadt")
    )
    slug = models.SlugField(_("Kurzname"))
    name = models.CharField(_("Name"), max_length=100)
    number = models.PositiveIntegerField(_("Nummer"), null=True, blank=True)
    boundary = models.JSONField(
        _("Grenze (GeoJSON)"), null=True, blank=True, validators=[geometry.validate_area]
    )

    class Meta:
        verbose_name = _("Stadtbezirk")
        verbose_name_plural = _("Stadtbezirke")
        ordering = ["city", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="district_slug_unique_per_city"),
            models.UniqueConstraint(fields=["city", "name"], name="district_name_unique_per_city"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for the APIs. Only a hash of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("Benutzer"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=100, blank=True)
    prefix = models.CharField(
        _("Anfang"), max_length=12, help_text=_("Die ersten Zeichen, um Tokens zu erkennen.")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("Berechtigungen"), default=list)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    expires_at = models.DateTimeField(_("läuft ab"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


class AccessibilityFeedback(models.Model):
    """A message sent through the form on the accessibility statement (BITV 2.0 § 7)."""

    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("Stadt")
    )
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"), max_length=5000)
    name = models.CharField(_("Name"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    created_at = models.DateTimeField(_("eingegangen"), auto_now_add=True)
    handled = models.BooleanField(_("erledigt"), default=False)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d} {self.page_url or '-'}"
