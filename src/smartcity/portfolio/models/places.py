"""Places on the map that are not projects: competence centres, research, city labs."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City, District
from smartcity.portfolio.geo import validate_location
from smartcity.portfolio.models.organisations import Partner


class PlaceKind(models.TextChoices):
    COMPETENCE_CENTRE = "competence_centre", _("Kompetenzzentrum")
    RESEARCH = "research", _("Forschungseinrichtung")
    NEIGHBOURHOOD = "neighbourhood", _("Smart-City-Ort im Quartier")


class Place(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=PlaceKind.choices)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="places", verbose_name=_("Stadt")
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    location = models.JSONField(_("Ort (GeoJSON)"), validators=[validate_location])
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="places",
        verbose_name=_("Stadtbezirk"),
    )
    opening_hours = models.TextField(_("Öffnungszeiten"), blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Website"), blank=True)
    operator = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("Betrieben von"),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")
        ordering = ["city", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:place", kwargs={"city": self.city.slug, "slug": self.slug})
