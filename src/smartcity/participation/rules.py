"""Who may do what in participation (django-rules; the object is the city)."""

import rules
from allauth.account.models import EmailAddress

from smartcity.accounts.roles import Role
from smartcity.accounts.rules import city_of, has_role, is_superuser


@rules.predicate
def has_confirmed_email(user):
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_participation_cache", {})
    if "verified" not in cache:
        cache["verified"] = EmailAddress.objects.filter(user=user, verified=True).exists()
    return cache["verified"]


@rules.predicate
def is_blocked(user, obj=None):
    from smartcity.participation.models import UserBlock

    city = city_of(obj)
    if not user.is_authenticated or city is None:
        return False
    return UserBlock.objects.active().filter(user=user, city=city).exists()


is_city_team = has_role(Role.EDITOR, Role.MODERATOR)
is_moderator = has_role(Role.MODERATOR)

PERMISSIONS = {
    "participation.contribute": has_confirmed_email & ~is_blocked,
    "participation.report": rules.is_authenticated,
    "participation.answer_officially": is_superuser | is_city_team,
    "participation.moderate": is_superuser | is_moderator,
    "participation.manage_ideas": is_superuser | is_city_team,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)
