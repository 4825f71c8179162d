"""Who may edit the open data catalogue (django-rules, autodiscovered).

Editors and department staff of a city manage the datasets of that city's organisations;
organisations without a city (partners across cities) are managed by editors of any city.
The object of a check is an organisation, a dataset (its organisation decides) or None.
"""

import rules

from smartcity.accounts.roles import Role

EDITING_ROLES = {Role.EDITOR, Role.DEPARTMENT, Role.ADMIN}


def _city_of(obj):
    if obj is None:
        return None
    organization = getattr(obj, "organization", None)
    if organization is not None:
        return organization.city
    return getattr(obj, "city", None)


@rules.predicate
def edits_open_data(user, obj=None):
    if not user.is_authenticated:
        return False
    city = _city_of(obj)
    if city is not None:
        return bool(EDITING_ROLES & user.roles_in(city))
    return user.memberships.filter(role__in=EDITING_ROLES).exists()


rules.add_perm("opendata.edit", rules.is_superuser | edits_open_data)
