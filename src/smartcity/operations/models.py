"""What the scheduled deletion jobs removed: one row per job run and kind of data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeletionReport(models.Model):
    job = models.CharField(pgettext_lazy("background job", "Aufgabe"), max_length=200)
    kind = models.CharField(_("Art der Daten"), max_length=200)
    count = models.PositiveIntegerField(_("Anzahl"), default=0)
    finished_at = models.DateTimeField(_("ausgeführt"), db_index=True)
    success = models.BooleanField(_("erfolgreich"), default=True)
    error = models.TextField(_("Fehler"), blank=True)

    class Meta:
        verbose_name = _("Löschbericht")
        verbose_name_plural = _("Löschberichte")
        ordering = ["-finished_at", "-id"]

    def __str__(self):
        return f"{self.kind}: {self.count}"
