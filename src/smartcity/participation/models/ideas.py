"""The idea pool: ideas from citizens, their workflow, supports and history."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City, District


class IdeaStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-Mail noch nicht bestätigt")
    RECEIVED = "received", _("eingegangen")
    IN_REVIEW = "in_review", _("in Prüfung")
    ACCEPTED = "accepted", _("angenommen")
    MERGED = "merged", _("mit anderer Idee zusammengeführt")
    DECLINED = "declined", _("abgelehnt")
    PARKED = "parked", _("zurückgestellt")


# Ideas the public sees (list, map, detail); received ones wait for a first look.
PUBLIC_STATUSES = (
    IdeaStatus.IN_REVIEW,
    IdeaStatus.ACCEPTED,
    IdeaStatus.MERGED,
    IdeaStatus.DECLINED,
    IdeaStatus.PARKED,
)
ALLOWED_TRANSITIONS = {
    IdeaStatus.RECEIVED: {IdeaStatus.IN_REVIEW, IdeaStatus.DECLINED, IdeaStatus.MERGED},
    IdeaStatus.IN_REVIEW: {
        IdeaStatus.ACCEPTED,
        IdeaStatus.MERGED,
        IdeaStatus.DECLINED,
        IdeaStatus.PARKED,
    },
    IdeaStatus.PARKED: {IdeaStatus.IN_REVIEW, IdeaStatus.ACCEPTED, IdeaStatus.DECLINED},
    IdeaStatus.ACCEPTED: set(),
    IdeaStatus.MERGED: set(),
    IdeaStatus.DECLINED: {IdeaStatus.IN_REVIEW},
}


class IdeaQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=PUBLIC_STATUSES)


class Idea(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("Stadt"))
    title = models.CharField(_("Titel"), max_length=150)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    description_html = models.TextField(_("Beschreibung (bereinigt)"))
    action_field = models.ForeignKey(
        "portfolio.ActionField",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("Handlungsfeld"),
    )
    longitude = models.FloatField(_("Länge"), null=True, blank=True)
    latitude = models.FloatField(_("Breite"), null=True, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("Stadtteil")
    )
    image = models.ImageField(_("Bild"), upload_to="ideas/", blank=True)
    submitter_name = models.CharField(_("Name"), max_length=120, blank=True)
    # Never shown publicly; only for the confirmation link and answers.
    submitter_email = models.EmailField(_("E-Mail für Rückmeldungen"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(_("Einwilligung am"))
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=IdeaStatus.choices, default=IdeaStatus.UNCONFIRMED
    )
    public_answer = models.TextField(_("öffentliche Antwort"), blank=True)
    project = models.ForeignKey(
        "portfolio.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("übernommen in Projekt"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("zusammengeführt")
    )
    supports_count = models.PositiveIntegerField(_("Unterstützungen"), default=0)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("eingereicht"), auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("Idee")
        verbose_name_plural = _("Ideen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "status", "created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("participation:idea", kwargs={"city": self.city.slug, "pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class IdeaStatusChange(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=12, choices=IdeaStatus.choices)
    answer = models.TextField(_("öffentliche Antwort"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.idea_id}"
