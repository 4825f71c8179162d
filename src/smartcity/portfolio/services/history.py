"""The change history of projects."""

from smartcity.portfolio.models import ProjectChange


def record_change(project, user, summary: str, fields=()) -> ProjectChange:
    return ProjectChange.objects.create(
        project=project,
        user=user if getattr(user, "is_authenticated", False) else None,
        summary=summary[:300],
        fields=sorted(fields),
    )
