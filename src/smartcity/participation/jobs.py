"""Periodic jobs: purge network addresses and unconfirmed ideas, the moderators' digest."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from smartcity.accounts.roles import Role
from smartcity.core.models import City
from smartcity.core.tasks import send_email_later
from smartcity.participation.models import Comment, Idea, IdeaStatus, RatingFlag
from smartcity.participation.services.ideas import purge_unconfirmed  # noqa: F401 (job path)
from smartcity.participation.services.limits import purge_addresses  # noqa: F401 (job path)


def moderators_digest() -> int:
    """One mail per moderator and city with the size of the queue; none when it is empty."""
    sent = 0
    User = get_user_model()
    for city in City.objects.all():
        comments = Comment.objects.filter(city=city, needs_review=True).count()
        ideas = Idea.objects.filter(city=city, status=IdeaStatus.RECEIVED).count()
        flags = RatingFlag.objects.filter(city=city, resolved=False).count()
        if not (comments or ideas or flags):
            continue
        recipients = list(
            User.objects.filter(
                Q(memberships__city=city, memberships__role__in=[Role.MODERATOR, Role.ADMIN]),
                is_active=True,
            )
            .distinct()
            .values_list("email", flat=True)
        )
        if not recipients:
            continue
        body = (
            f"Moderation {city.name}:\n"
            f"- {comments} Kommentar(e) zu prüfen\n"
            f"- {ideas} neue Idee(n)\n"
            f"- {flags} auffällige Bewertungsserie(n)\n"
        )
        for address in recipients:  # one mail each: moderators do not see each other's address
            send_email_later(f"[Smart City] Moderation {city.name}", body, [address])
            sent += 1
    return sent
