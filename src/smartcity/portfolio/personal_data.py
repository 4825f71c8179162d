"""What the portfolio keeps about a person: the projects they submitted and their edits."""

from smartcity.core.registries import PersonalData, personal_data


def export(user):
    from smartcity.portfolio.models import Project, ProjectChange

    return {
        "submitted_projects": [
            {"title": project.title, "review": project.review, "created_at": project.created_at}
            for project in Project.objects.filter(submitted_by=user)
        ],
        "project_changes": [
            {"project": change.project.title, "at": change.at, "summary": change.summary}
            for change in ProjectChange.objects.filter(user=user).select_related("project")
        ],
    }


def erase(user):
    # The projects belong to the programme; only the link to the person goes.
    from smartcity.portfolio.models import Project, ProjectChange

    Project.objects.filter(submitted_by=user).update(submitted_by=None)
    ProjectChange.objects.filter(user=user).update(user=None)


personal_data.register("portfolio", PersonalData("portfolio", export, erase))
