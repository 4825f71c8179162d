import pytest

from smartcity.schools.tests.factories import make_school


@pytest.fixture
def school(cities):
    return make_school(cities["dortmund"], rooms=("101", "102"))
