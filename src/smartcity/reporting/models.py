"""Reporting periods, project entries per period and frozen report versions.

Each period keeps its own entries (the evaluation history: nothing is overwritten), and a
published report is a JSON snapshot of its figures, so later edits never change it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City
from smartcity.portfolio.models import Milestone, Project


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("in Bearbeitung")
    INTERNAL = "internal", _("intern (nur Redaktion)")
    PUBLISHED = "published", _("veröffentlicht")


class ReportingPeriod(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="reporting_periods", verbose_name=_("Stadt")
    )
    slug = models.SlugField(_("Kurzname"), max_length=40, help_text=_("Z. B. „2025“."))
    title = models.CharField(_("Titel"), max_length=200)
    start_date = models.DateField(_("Beginn des Zeitraums"))
    cut_off_date = models.DateField(_("Stichtag"))
    status = models.CharField(
        _("Stand"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Berichtszeitraum")
        verbose_name_plural = _("Berichtszeiträume")
        ordering = ["city", "-cut_off_date"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="reporting_period_slug")
        ]

    def __str__(self):
        return f"{self.title} ({self.city})"

    def get_absolute_url(self):
        return reverse("reporting:report", kwargs={"city": self.city.slug, "period": self.slug})

    def clean(self):
        if self.start_date and self.cut_off_date and self.cut_off_date < self.start_date:
            raise ValidationError(
                {"cut_off_date": _("Der Stichtag liegt vor dem Beginn des Zeitraums.")}
            )

    def previous(self):
        return (
            ReportingPeriod.objects.filter(city=self.city, cut_off_date__lt=self.cut_off_date)
            .order_by("-cut_off_date")
            .first()
        )


class TrafficLight(models.TextChoices):
    ON_TRACK = "on_track", _("im Plan")
    AT_RISK = "at_risk", _("gefährdet")
    DELAYED = "delayed", _("verzögert")
    STOPPED = "stopped", _("gestoppt")


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Entwurf der Projektleitung")
    APPROVED = "approved", _("von der Redaktion freigegeben")


class ProjectEntry(models.Model):
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("Berichtszeitraum"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="report_entries", verbose_name=_("Projekt")
    )
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt (Prozent)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        default=0,
    )
    traffic_light = models.CharField(
        _("Ampel"), max_length=20, choices=TrafficLight.choices, default=TrafficLight.ON_TRACK
    )
    traffic_light_reason = models.CharField(_("Begründung der Ampel"), max_length=500, blank=True)
    narrative = models.TextField(_("Sachstand"), blank=True)
    new_measures = models.TextField(
        _("Neue Maßnahmen"), blank=True, help_text=_("Eine Maßnahme pro Zeile.")
    )
    state = models.CharField(
        _("Prüfstand"), max_length=20, choices=EntryState.choices, default=EntryState.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entworfen von"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("freigegeben von"),
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Projekteintrag")
        verbose_name_plural = _("Projekteinträge")
        ordering = ["period", "project__code", "project__title"]
        constraints = [
            models.UniqueConstraint(fields=["period", "project"], name="one_entry_per_period")
        ]

    def __str__(self):
        return f"{self.project} – {self.period.title}"

    def clean(self):
        if self.traffic_light != TrafficLight.ON_TRACK and not self.traffic_light_reason:
            raise ValidationError(
                {"traffic_light_reason": _("Bitte begründen Sie eine Ampel, die nicht grün ist.")}
            )

    @property
    def new_measure_list(self) -> list[str]:
        return [line.strip() for line in self.new_measures.splitlines() if line.strip()]


class MilestoneStatus(models.Model):
    """A milestone as it stood at the period's cut-off (copied from the portfolio)."""

    entry = models.ForeignKey(
        ProjectEntry, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Eintrag")
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("Titel"), max_length=200)
    planned_date = models.DateField(_("geplant für"))
    actual_date = models.DateField(_("erreicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stand eines Meilensteins")
        verbose_name_plural = _("Stand der Meilensteine")
        ordering = ["entry", "planned_date", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        start = self.entry.project.start_date if self.entry_id else None
        if self.actual_date and start and self.actual_date < start:
            raise ValidationError(
                {
                    "actual_date": _("Das Datum liegt vor dem Projektbeginn (%(start)s).")
                    % {"start": start.strftime("%d.%m.%Y")}
                }
            )

    def slippage_days(self, cut_off) -> int:
        """Days late: against the actual date, or against the cut-off while still open."""
        reference = self.actual_date or (cut_off if cut_off > self.planned_date else None)
        return max((reference - self.planned_date).days, 0) if reference else 0


class BudgetLine(models.Model):
    entry = models.ForeignKey(
        ProjectEntry,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("Eintrag"),
    )
    funding_source = models.CharField(_("Finanzierungsquelle"), max_length=200)
    planned_eur = models.DecimalField(
        _("geplant (Euro)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    spent_eur = models.DecimalField(
        _("ausgegeben (Euro)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("Budgetposten")
        verbose_name_plural = _("Budgetposten")
        ordering = ["entry", "funding_source"]

    def __str__(self):
        return self.funding_source


class ReportVersion(models.Model):
    """A published report, frozen: its figures as they were at publication."""

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("Berichtszeitraum"),
    )
    number = models.PositiveIntegerField(_("Fassung"))
    published_at = models.DateTimeField(_("veröffentlicht am"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("veröffentlicht von"),
    )
    figures = models.JSONField(_("Zahlen des Berichts"))

    class Meta:
        verbose_name = _("Berichtsfassung")
        verbose_name_plural = _("Berichtsfassungen")
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="report_version_number")
        ]

    def __str__(self):
        return f"{self.period.title}, Fassung {self.number}"
