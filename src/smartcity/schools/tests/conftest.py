import pytest
from django.core.cache import cache

from smartcity.schools.tests.factories import make_school


@pytest.fixture(autouse=True)
def fresh_failure_counters():
    """Failed join/login counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school(cities):
    return make_school(cities["dortmund"], rooms=("101", "102"))
