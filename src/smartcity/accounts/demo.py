"""Demo accounts: an administrator and one person per role in each city."""

from allauth.account.models import EmailAddress

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.core.models import City
from smartcity.core.registries import DemoLoader, demo_loaders

DEMO_PASSWORD = "smartcity-demo"  # noqa: S105 - published demo login, printed by `smartcity demo`

DEMO_USERS = [
    # username, display name, city, role, organisation
    ("buerger", "Bea Bürger", None, None, ""),
    ("partner", "Paul Partner", "dortmund", Role.PARTNER, "Demo-Partner GmbH"),
    ("redaktion", "Rita Redaktion", "dortmund", Role.EDITOR, "Smart-City-Team"),
    ("moderation", "Moritz Moderation", "dortmund", Role.MODERATOR, "Smart-City-Team"),
    ("tiefbauamt", "Tina Tiefbau", "dortmund", Role.DEPARTMENT, "Tiefbauamt"),
    ("lehrkraft", "Lena Lehrer", "schwerte", Role.TEACHER, "Demo-Gesamtschule"),
    ("schwerte-redaktion", "Stefan Schwerte", "schwerte", Role.EDITOR, "Stadt Schwerte"),
]


def _account(username: str, display_name: str, **flags) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@demo.smartcity.example",
            "display_name": display_name,
            **flags,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def load_accounts() -> None:
    admin = _account("admin", "Demo-Administration", is_staff=True, is_superuser=True)
    for city in City.objects.all():
        Membership.objects.get_or_create(user=admin, city=city, role=Role.ADMIN)
    for username, display_name, city_slug, role, organisation in DEMO_USERS:
        user = _account(username, display_name, is_staff=role in {Role.EDITOR, Role.MODERATOR})
        if city_slug and role:
            Membership.objects.get_or_create(
                user=user,
                city=City.objects.get(slug=city_slug),
                role=role,
                defaults={"organisation": organisation},
            )


demo_loaders.register("accounts", DemoLoader("accounts", load_accounts, order=10))
