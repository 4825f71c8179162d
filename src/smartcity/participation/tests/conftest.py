import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role


@pytest.fixture(autouse=True)
def fresh_limits():
    # Rate-limit counters live in the shared cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def make_user(name, verified=True, city=None, role=None):
    user = User.objects.create_user(name, f"{name}@example.org", "geheim-Passwort-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    if role:
        Membership.objects.create(user=user, city=city, role=role)
    return user


@pytest.fixture
def dortmund(cities):
    return cities["dortmund"]


@pytest.fixture
def project(dortmund):
    from smartcity.portfolio.models import Project

    project = Project.objects.create(
        title="Smarte Laternen", summary="Licht nach Bedarf", review="published", slug="laternen"
    )
    project.cities.add(dortmund)
    return project


@pytest.fixture
def citizen(db):
    return make_user("erika")


@pytest.fixture
def other_citizen(db):
    return make_user("max")


@pytest.fixture
def unverified(db):
    return make_user("neu", verified=False)


@pytest.fixture
def moderator(dortmund):
    return make_user("mod", city=dortmund, role=Role.MODERATOR)


@pytest.fixture
def editor(dortmund):
    return make_user("redaktion", city=dortmund, role=Role.EDITOR)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """``with after_commit():`` runs what services defer until the commit (notifications)."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
