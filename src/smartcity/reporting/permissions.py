"""Who may see and enter what, built on the ``accounts`` permissions of the period's city."""

from smartcity.reporting.models import PeriodStatus


def is_editor(user, city) -> bool:
    return user.is_authenticated and user.has_perm("accounts.edit_content", city)


def leads_project(user, project) -> bool:
    """A partner member who submitted the project or is its named contact."""
    if not user.is_authenticated:
        return False
    return project.submitted_by_id == user.pk or (
        bool(project.contact_email) and project.contact_email.lower() == user.email.lower()
    )


def can_draft(user, period, project) -> bool:
    if is_editor(user, period.city):
        return True
    return user.is_authenticated and (
        user.has_perm("accounts.draft_partner_content", period.city)
        and leads_project(user, project)
    )


def can_view(user, period) -> bool:
    return period.status == PeriodStatus.PUBLISHED or is_editor(user, period.city)
