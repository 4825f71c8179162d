"""Ratings: one per account and project, kept summary updated in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.participation.models import ProjectParticipation, Rating, RatingFlag, RatingSummary
from smartcity.participation.services import Refused, limits
from smartcity.participation.services.comments import require

# A burst: this many ratings within the window from accounts younger than NEW_ACCOUNT_AGE.
BURST_COUNT = 5
BURST_WINDOW = timedelta(hours=1)
NEW_ACCOUNT_AGE = timedelta(days=2)
MINUTE = timedelta(minutes=1)


def burst_rule() -> tuple[int, timedelta, timedelta]:
    """(count, window, new account age): the defaults above, changed by the setting
    ``PARTICIPATION_RATING_BURST = {"count": 5, "window_minutes": 60, "new_account_days": 2}``
    (any of the keys)."""
    configured = getattr(settings, "PARTICIPATION_RATING_BURST", None) or {}
    count = int(configured.get("count", BURST_COUNT))
    window = timedelta(minutes=float(configured.get("window_minutes", BURST_WINDOW / MINUTE)))
    age = timedelta(days=float(configured.get("new_account_days", NEW_ACCOUNT_AGE.days)))
    if count < 1 or window <= timedelta(0) or age <= timedelta(0):
        raise ImproperlyConfigured("PARTICIPATION_RATING_BURST: values must be positive")
    return count, window, age


def summary(project) -> RatingSummary:
    """Constant time: one primary-key read of the kept row."""
    return RatingSummary.objects.filter(pk=project.pk).first() or RatingSummary(project=project)


def _locked_summary(project) -> RatingSummary:
    # The row lock serialises all rating changes of one project (PostgreSQL), so the
    # check for an existing rating and the summary update cannot interleave.
    RatingSummary.objects.get_or_create(project=project)
    return RatingSummary.objects.select_for_update().get(pk=project.pk)


def _adjust(project, stars: int, delta: int) -> None:
    RatingSummary.objects.filter(pk=project.pk).update(
        count=F("count") + delta,
        total=F("total") + delta * stars,
        **{f"stars_{stars}": F(f"stars_{stars}") + delta},
    )


def _check_stars(stars) -> int:
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": [_("Bitte 1 bis 5 Sterne wählen.")]})
    return stars


def rate(user, project, city, stars, address=None) -> Rating:
    stars = _check_stars(stars)
    require(user, "participation.contribute", city)
    if not ProjectParticipation.for_project(project).ratings_enabled:
        raise Refused("ratings_closed", _("Dieses Projekt kann nicht mehr bewertet werden."), 409)
    limits.check("rating", user, address, project_id=project.pk)
    with transaction.atomic():
        _locked_summary(project)
        rating = Rating.objects.select_for_update().filter(user=user, project=project).first()
        if rating is None:
            rating = Rating.objects.create(user=user, project=project, stars=stars)
            _adjust(project, stars, +1)
            _detect_burst(project, city)
        elif rating.stars != stars:
            _adjust(project, rating.stars, -1)
            _adjust(project, stars, +1)
            rating.stars = stars
            rating.save(update_fields=["stars", "updated_at"])
    return rating


def remove(user, project) -> bool:
    with transaction.atomic():
        _locked_summary(project)
        rating = Rating.objects.filter(user=user, project=project).first()
        if rating is None:
            return False
        _adjust(project, rating.stars, -1)
        rating.delete()
    return True


def _detect_burst(project, city) -> None:
    """Flag (never drop) a burst of ratings from new accounts for moderators."""
    now = timezone.now()
    count, window, age = burst_rule()
    recent_new = Rating.objects.filter(
        project=project,
        created_at__gte=now - window,
        user__date_joined__gte=now - age,
    ).count()
    if (
        recent_new >= count
        and not RatingFlag.objects.filter(project=project, resolved=False).exists()
    ):
        RatingFlag.objects.create(project=project, city=city, new_accounts=recent_new)
