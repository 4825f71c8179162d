"""Ratings of projects (1–5) with a kept summary row, read in constant time."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City


class Rating(models.Model):
    project = models.ForeignKey(
        "portfolio.Project", on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_ratings"
    )
    stars = models.PositiveSmallIntegerField(
        _("Sterne"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_rating_per_user"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="stars_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.stars}"


class RatingSummary(models.Model):
    """Count, sum and distribution of a project's ratings, updated with every change."""

    project = models.OneToOneField(
        "portfolio.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Bewertungsübersicht")
        verbose_name_plural = _("Bewertungsübersichten")

    def __str__(self):
        return f"{self.project_id}: {self.count}"

    @property
    def average(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None

    @property
    def distribution(self) -> dict[int, int]:
        return {stars: getattr(self, f"stars_{stars}") for stars in range(1, 6)}


class RatingFlag(models.Model):
    """A burst of ratings from new accounts on one project, for moderators to look at."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, null=True, verbose_name=_("Stadt"))
    project = models.ForeignKey(
        "portfolio.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("Projekt")
    )
    new_accounts = models.PositiveIntegerField(_("neue Konten im Zeitfenster"))
    detected_at = models.DateTimeField(_("erkannt"), auto_now_add=True)
    resolved = models.BooleanField(_("erledigt"), default=False)

    class Meta:
        verbose_name = _("Auffällige Bewertungen")
        verbose_name_plural = _("Auffällige Bewertungen")
        ordering = ["-detected_at"]

    def __str__(self):
        return f"{self.project_id}: {self.new_accounts}"
