"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture
def cities(db):
    from smartcity.core.demo import load_cities
    from smartcity.core.models import City

    load_cities()
    return {city.slug: city for city in City.objects.all()}
