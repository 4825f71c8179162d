import pytest


@pytest.fixture
def demo(cities):
    from smartcity.portfolio.demo import load

    load()
    return cities


@pytest.fixture
def hoerde_boundary(cities):
    """Give Hörde a (rough, rectangular) boundary so districts can be derived."""
    hoerde = cities["dortmund"].districts.get(slug="hoerde")
    hoerde.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[7.48, 51.46], [7.53, 51.46], [7.53, 51.50], [7.48, 51.50], [7.48, 51.46]]
        ],
    }
    hoerde.save()
    return hoerde
