"""Per-city and per-project switches for participation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City


class CityParticipation(models.Model):
    city = models.OneToOneField(
        City, on_delete=models.CASCADE, related_name="participation", verbose_name=_("Stadt")
    )
    pre_moderation = models.BooleanField(
        _("Vorab-Moderation"),
        default=False,
        help_text=_("Kommentare erscheinen erst nach Prüfung durch die Moderation."),
    )
    post_moderation = models.BooleanField(
        _("Nachträgliche Moderation"),
        default=False,
        help_text=_(
            "Kommentare erscheinen sofort und kommen zusätzlich in die Warteschlange der "
            "Moderation (bei Vorab-Moderation ohne Wirkung)."
        ),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("Meldungen bis zum Ausblenden"), default=3
    )

    class Meta:
        verbose_name = _("Beteiligungs-Einstellung")
        verbose_name_plural = _("Beteiligungs-Einstellungen")

    def __str__(self):
        return str(self.city)

    @classmethod
    def for_city(cls, city) -> "CityParticipation":
        settings = cls.objects.filter(city=city).first()
        return settings or cls(city=city)


class ProjectParticipation(models.Model):
    """Switches for one project; no row means everything is on."""

    project = models.OneToOneField(
        "portfolio.Project",
        on_delete=models.CASCADE,
        related_name="participation",
        verbose_name=_("Projekt"),
    )
    comments_enabled = models.BooleanField(_("Kommentare möglich"), default=True)
    ratings_enabled = models.BooleanField(_("Bewertungen möglich"), default=True)

    class Meta:
        verbose_name = _("Beteiligung an einem Projekt")
        verbose_name_plural = _("Beteiligung an Projekten")

    def __str__(self):
        return str(self.project)

    @classmethod
    def for_project(cls, project) -> "ProjectParticipation":
        return cls.objects.filter(project=project).first() or cls(project=project)
