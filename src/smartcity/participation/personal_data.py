"""What participation keeps about a person: export and erase (DSGVO Art. 15/17)."""

from django.db import transaction

from smartcity.core.registries import PersonalData, personal_data
from smartcity.participation.models import (
    Comment,
    Idea,
    IdeaSupport,
    Notification,
    NotificationPreference,
    Rating,
    Report,
)


def export(user) -> dict:
    return {
        "comments": [
            {
                "id": c.pk,
                "created_at": c.created_at.isoformat(),
                "body": c.body,
                "status": c.status,
                "deleted": c.is_deleted,
            }
            for c in Comment.objects.filter(author=user)
        ],
        "ratings": [
            {"project": r.project_id, "stars": r.stars, "updated_at": r.updated_at.isoformat()}
            for r in Rating.objects.filter(user=user)
        ],
        "reports": [
            {"comment": r.comment_id, "reason": r.reason}
            for r in Report.objects.filter(reporter=user)
        ],
        "ideas": [
            {"id": i.pk, "title": i.title, "status": i.status}
            for i in Idea.objects.filter(submitted_by=user)
        ],
        "supports": list(IdeaSupport.objects.filter(user=user).values_list("idea_id", flat=True)),
        "notifications": [
            {"message": n.message, "created_at": n.created_at.isoformat()}
            for n in Notification.objects.filter(user=user)
        ],
    }


@transaction.atomic
def erase(user) -> None:
    """Comments stay in their threads as "former participant"; ratings leave the averages."""
    from smartcity.participation.services import ratings

    Comment.objects.filter(author=user).update(author=None)
    for rating in Rating.objects.filter(user=user).select_related("project"):
        ratings.remove(user, rating.project)
    for support in IdeaSupport.objects.filter(user=user).select_related("idea"):
        Idea.objects.filter(pk=support.idea_id, supports_count__gt=0).update(
            supports_count=support.idea.supports_count - 1
        )
    IdeaSupport.objects.filter(user=user).delete()
    Idea.objects.filter(submitted_by=user).update(submitted_by=None)
    Report.objects.filter(reporter=user).delete()
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()


def register() -> None:
    personal_data.register("participation", PersonalData("participation", export, erase))
