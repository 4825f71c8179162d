"""The programme as data: strategies, action fields, projects, milestones and indicators."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City, District
from smartcity.portfolio.geo import validate_location

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Farbe als #rrggbb angeben."))


class Strategy(models.Model):
    """A smart-city strategy, shared by one or more cities."""

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), unique=True)
    cities = models.ManyToManyField(City, related_name="strategies", verbose_name=_("Städte"))
    description = models.TextField(_("Beschreibung"), blank=True)
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Strategie")
        verbose_name_plural = _("Strategien")

    def __str__(self):
        return self.name


class ActionField(models.Model):
    """A Handlungsfeld of a strategy, ordered, with colour and icon."""

    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="action_fields",
        verbose_name=_("Strategie"),
    )
    slug = models.SlugField(_("Kurzname"), unique=True)
    name = models.CharField(_("Name"), max_length=120)
    description = models.TextField(_("Beschreibung"), blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    colour = models.CharField(
        _("Farbe"), max_length=7, default="#00568f", validators=[colour_validator]
    )
    icon = models.CharField(
        _("Symbol"), max_length=40, blank=True, help_text=_("Name des Symbols, z. B. „database“.")
    )

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["strategy", "order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:action_field", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("Name"), max_length=60, unique=True)
    slug = models.SlugField(_("Kurzname"), unique=True)

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProjectKind(models.TextChoices):
    CITY = "city", _("Städtisches Projekt")
    PARTNER_PILOT = "partner_pilot", _("Pilotprojekt eines Partners")
    RESEARCH = "research", _("Forschungsprojekt")


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idee")
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("in Umsetzung")
    PILOT = "pilot", _("Pilotbetrieb")
    IN_OPERATION = "in_operation", _("im Betrieb")
    COMPLETED = "completed", _("abgeschlossen")
    PAUSED = "paused", _("pausiert")
    STOPPED = "stopped", _("eingestellt")


class Review(models.TextChoices):
    """Where a project stands on its way to the public site."""

    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht, wartet auf Prüfung")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    PUBLISHED = "published", _("veröffentlicht")
    DECLINED = "declined", _("abgelehnt")


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(review=Review.PUBLISHED)


class Project(models.Model):
    code = models.CharField(_("Kennung"), max_length=20, blank=True, help_text=_("Z. B. „SV 01“."))
    slug = models.SlugField(
        _("Kurzname"), max_length=120, unique=True, help_text=_("Teil der Adresse.")
    )
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Kurzbeschreibung"), max_length=600)
    description = models.TextField(
        _("Beschreibung"),
        blank=True,
        help_text=_("HTML; erlaubt sind Absätze, Listen, Links und Hervorhebungen."),
    )
    cities = models.ManyToManyField(City, related_name="projects", verbose_name=_("Städte"))
    action_fields = models.ManyToManyField(
        ActionField, related_name="projects", blank=True, verbose_name=_("Handlungsfelder")
    )
    kind = models.CharField(
        _("Art"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.CITY
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    budget_eur = models.DecimalField(
        _("Budget (Euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("Förderung / Finanzierung"), max_length=200, blank=True)
    lead_department = models.CharField(_("Federführung"), max_length=200, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=120, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    location = models.JSONField(
        _("Ort (GeoJSON)"),
        null=True,
        blank=True,
        validators=[validate_location],
        help_text=_("Punkt, Linie oder Fläche; leer, wenn das Projekt stadtweit wirkt."),
    )
    city_wide = models.BooleanField(_("stadtweit"), default=False)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="projects",
        verbose_name=_("Stadtbezirk"),
    )
    tags = models.ManyToManyField(
        Tag, related_name="projects", blank=True, verbose_name=_("Schlagwörter")
    )
    review = models.CharField(
        _("Prüfstand"), max_length=20, choices=Review.choices, default=Review.PUBLISHED
    )
    review_note = models.TextField(_("Hinweis der Redaktion"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_projects",
        verbose_name=_("eingereicht von"),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["code", "title"]
        indexes = [models.Index(fields=["review", "status"])]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        from smartcity.core.html import clean_html

        self.description = clean_html(self.description)
        if not self.slug:
            self.slug = unique_slug(Project, self.code or self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        city = self.cities.all()[0] if self.pk and self.cities.exists() else None
        if city is None:
            return reverse("portfolio:project_any", kwargs={"key": self.slug})
        return reverse("portfolio:project", kwargs={"city": city.slug, "key": self.slug})

    @property
    def is_published(self) -> bool:
        return self.review == Review.PUBLISHED


def unique_slug(model, text: str, max_length: int = 100) -> str:
    base = slugify(text)[:max_length] or "eintrag"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Projekt")
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    planned_date = models.DateField(_("geplant für"), null=True, blank=True)
    actual_date = models.DateField(_("erreicht am"), null=True, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["project", "order", "planned_date"]

    def __str__(self):
        return self.title

    @property
    def reached(self) -> bool:
        return self.actual_date is not None


class Indicator(models.Model):
    """Something measured over time for a project, with unit, baseline and target."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("Projekt")
    )
    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=40, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    baseline = models.FloatField(_("Ausgangswert"), null=True, blank=True)
    target = models.FloatField(_("Zielwert"), null=True, blank=True)
    target_date = models.DateField(_("Ziel bis"), null=True, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["project", "order", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("Kennzahl")
    )
    date = models.DateField(_("Stichtag"))
    value = models.FloatField(_("Wert"))
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Wert einer Kennzahl")
        verbose_name_plural = _("Werte von Kennzahlen")
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="indicator_value_per_date")
        ]

    def __str__(self):
        return f"{self.date}: {self.value}"
