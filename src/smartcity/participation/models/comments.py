"""Generic comments (one level of replies), reports of abuse, moderation and blocks."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.core.models import City


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("veröffentlicht")
    PENDING = "pending", _("wartet auf Prüfung")
    HIDDEN = "hidden", _("ausgeblendet")


class Comment(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("Stadt"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("Antwort auf"),
    )
    # NULL after the account was deleted: shown as "former participant".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation_comments",
        verbose_name=_("Verfasser/in"),
    )
    body = models.TextField(_("Text"))
    body_html = models.TextField(_("Text (bereinigt)"))
    is_official = models.BooleanField(_("offizielle Antwort"), default=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    public_reason = models.CharField(_("öffentliche Begründung"), max_length=300, blank=True)
    is_deleted = models.BooleanField(_("gelöscht"), default=False)
    report_count = models.PositiveIntegerField(_("Meldungen"), default=0)
    # Reported past the threshold and not yet decided.
    needs_review = models.BooleanField(_("zu prüfen"), default=False)
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    edited_at = models.DateTimeField(_("bearbeitet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "parent", "created_at"]),
            models.Index(fields=["city", "needs_review"]),
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.PUBLISHED


class Report(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("gemeldet von")
    )
    reason = models.CharField(_("Grund"), max_length=500)
    created_at = models.DateTimeField(_("gemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_user")
        ]

    def __str__(self):
        return f"{self.comment_id}: {self.reason[:40]}"


class ModerationDecision(models.Model):
    """The history of decisions on comments and ideas."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("freigegeben")
        HIDE = "hide", _("ausgeblendet")
        BLOCK = "block", _("Person gesperrt")
        STATUS = "status", _("Status geändert")

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("Stadt"))
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    idea = models.ForeignKey(
        "participation.Idea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decisions",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("durch")
    )
    action = models.CharField(_("Entscheidung"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("Begründung"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Moderationsentscheidung")
        verbose_name_plural = _("Moderationsentscheidungen")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class UserBlockQuerySet(models.QuerySet):
    def active(self, now=None):
        """Blocks in force: without end, or ending in the future."""
        now = now or timezone.now()
        return self.filter(models.Q(until__isnull=True) | models.Q(until__gt=now))


class UserBlock(models.Model):
    """A person may not comment, rate or support in one city (until ``until``, if set)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("Stadt"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participation_blocks",
        verbose_name=_("gesperrte Person"),
    )
    reason = models.CharField(_("Grund"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)
    until = models.DateTimeField(
        pgettext_lazy("Sperre", "bis"),
        null=True,
        blank=True,
        help_text=_("Leer: unbefristet gesperrt."),
    )

    objects = UserBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("Sperre")
        verbose_name_plural = _("Sperren")
        constraints = [models.UniqueConstraint(fields=["city", "user"], name="one_block_per_city")]

    def __str__(self):
        return f"{self.user} @ {self.city}"
