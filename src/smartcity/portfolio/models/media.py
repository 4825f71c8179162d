"""Images, links and the change history of projects."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcity.portfolio.models.programme import Project


class ProjectImage(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="images", verbose_name=_("Projekt")
    )
    image = models.ImageField(_("Bild"), upload_to="portfolio/projects/")
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        help_text=_("Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen."),
    )
    credit = models.CharField(_("Bildnachweis"), max_length=200)
    licence = models.CharField(
        _("Lizenz"), max_length=100, blank=True, help_text=_("Z. B. „CC BY 4.0“.")
    )
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Projektbild")
        verbose_name_plural = _("Projektbilder")
        ordering = ["project", "order"]

    def __str__(self):
        return self.alt_text


class ProjectLink(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="links", verbose_name=_("Projekt")
    )
    title = models.CharField(_("Titel"), max_length=200)
    url = models.URLField(_("Adresse"))
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Link")
        verbose_name_plural = _("Links")
        ordering = ["project", "order"]

    def __str__(self):
        return self.title


class ProjectChange(models.Model):
    """One entry of a project's change history: who changed which fields, when."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="changes", verbose_name=_("Projekt")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)
    summary = models.CharField(_("Zusammenfassung"), max_length=300)
    fields = models.JSONField(_("Geänderte Felder"), default=list)

    class Meta:
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungsverlauf")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"
