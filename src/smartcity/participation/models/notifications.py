"""What people want to hear about, their inbox, and short-lived abuse records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_prefs"
    )
    on_reply = models.BooleanField(_("Antworten auf meine Kommentare"), default=True)
    on_official_answer = models.BooleanField(_("offizielle Antworten"), default=True)
    on_moderation = models.BooleanField(_("Moderationsentscheidungen"), default=True)
    by_email = models.BooleanField(_("auch per E-Mail"), default=True)

    class Meta:
        verbose_name = _("Benachrichtigungs-Einstellung")
        verbose_name_plural = _("Benachrichtigungs-Einstellungen")

    def __str__(self):
        return str(self.user)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("Antwort")
        OFFICIAL = "official", _("offizielle Antwort")
        MODERATION = "moderation", _("Moderation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_inbox"
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    message = models.CharField(_("Nachricht"), max_length=500)
    url = models.CharField(_("Link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelesen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.message[:60]


class AbuseRecord(models.Model):
    """A network address seen doing something rate-limited; deleted after 7 days."""

    action = models.CharField(max_length=20)
    address = models.GenericIPAddressField()
    project_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Schutz-Eintrag (Netzadresse)")
        verbose_name_plural = _("Schutz-Einträge (Netzadressen)")

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d}"
