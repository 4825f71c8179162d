"""Permissions per role and city (django-rules, checked with ``user.has_perm(name, city)``).

The object of a check is the city, or anything with a ``city`` attribute. Administrators of a
city may do everything there; superusers everywhere. Later capabilities add their own
permissions built from these predicates.
"""

import rules

from smartcity.accounts.roles import Role


def city_of(obj):
    from smartcity.core.models import City

    if obj is None or isinstance(obj, City):
        return obj
    return getattr(obj, "city", None)


def has_role(*roles: str):
    """A predicate: the user holds one of ``roles`` (or admin) in the object's city."""
    wanted = set(roles) | {Role.ADMIN}

    @rules.predicate(name=f"has_role({','.join(sorted(roles))})")
    def predicate(user, obj=None):
        if not user.is_authenticated:
            return False
        city = city_of(obj)
        return bool(wanted & user.roles_in(city))

    return predicate


is_superuser = rules.is_superuser
is_citizen = rules.is_authenticated
is_editor = has_role(Role.EDITOR)
is_moderator = has_role(Role.MODERATOR)
is_department_staff = has_role(Role.DEPARTMENT)
is_teacher = has_role(Role.TEACHER)
is_partner = has_role(Role.PARTNER)
is_city_admin = has_role(Role.ADMIN)

PERMISSIONS = {
    # Take part: comment, rate, submit ideas.
    "accounts.participate": is_citizen,
    # Edit the city's programme, projects and pages.
    "accounts.edit_content": is_superuser | is_editor,
    # Decide on reported or pre-moderated contributions.
    "accounts.moderate": is_superuser | is_moderator,
    # Work on defect reports addressed to a department.
    "accounts.handle_reports": is_superuser | is_department_staff,
    # Manage the school's rooms and pupils' workbench.
    "accounts.manage_school": is_superuser | is_teacher,
    # Draft entries for the partner's own projects.
    "accounts.draft_partner_content": is_superuser | is_partner | is_editor,
    # Give roles to others in this city.
    "accounts.manage_members": is_superuser | is_city_admin,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)
