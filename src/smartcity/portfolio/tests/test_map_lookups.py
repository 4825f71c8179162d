"""The map's filter lookups kept between requests (``services.maplookups``): kept while
nothing changed, reloaded after any change, whatever process made it.

These tests commit (``transaction=True``): inside a transaction nothing is kept."""

import orjson
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from smartcity.core.models import City, District
from smartcity.portfolio.models import ActionField, Partner, Strategy
from smartcity.portfolio.services import maplookups

URL = "/api/v1/map/features.geojson"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def own_cache():
    """A cache of this test's own: another test process setting a new token would only make
    this one reload, but the query counts below would change."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "portfolio-map-lookups-tests",
            }
        }
    ):
        maplookups.clear()
        yield
        maplookups.clear()


def errors(client, query):
    response = client.get(f"{URL}?{query}")
    if response.status_code == 200:
        return {}
    assert response.status_code == 400, response.content
    return orjson.loads(response.content)["error"]["fields"]


def lookup_queries(captured):
    tables = ("core_city", "core_district", "portfolio_actionfield", "portfolio_partner")
    return [query["sql"] for query in captured if any(table in query["sql"] for table in tables)]


def test_lookups_are_kept_between_requests(client, cities):
    query = "city=dortmund&district=hoerde&action_field=x&partner=y"
    assert set(errors(client, query)) == {"action_field", "partner"}
    with CaptureQueriesContext(connection) as captured:
        assert set(errors(client, query)) == {"action_field", "partner"}
    assert lookup_queries(captured) == []


def test_a_new_action_field_counts_in_the_next_request(client, cities):
    assert "action_field" in errors(client, "action_field=neu")
    strategy = Strategy.objects.create(name="Strategie", slug="strategie")
    ActionField.objects.create(strategy=strategy, slug="neu", name="Neu", order=1)
    assert errors(client, "action_field=neu") == {}


def test_a_renamed_and_a_deleted_slug_count_in_the_next_request(client, cities):
    strategy = Strategy.objects.create(name="Strategie", slug="strategie")
    field = ActionField.objects.create(strategy=strategy, slug="alt", name="Alt", order=1)
    partner = Partner.objects.create(slug="firma", name="Firma")
    assert errors(client, "action_field=alt&partner=firma") == {}
    field.slug = "neu"
    field.save()
    partner.delete()
    assert set(errors(client, "action_field=alt&partner=firma")) == {"action_field", "partner"}
    assert errors(client, "action_field=neu") == {}


def test_new_cities_and_districts_count_in_the_next_request(client, cities):
    assert set(errors(client, "city=unna&district=kessebueren")) == {"city", "district"}
    unna = City.objects.create(slug="unna", name="Unna", latitude=51.53, longitude=7.69)
    assert set(errors(client, "city=unna&district=kessebueren")) == {"district"}
    District.objects.create(city=unna, slug="kessebueren", name="Kessebüren")
    assert errors(client, "city=unna&district=kessebueren") == {}
    # Districts stay per city.
    assert "district" in errors(client, "city=schwerte&district=kessebueren")


def test_a_change_in_another_process_counts_in_the_next_request(client, cities):
    # Another process changed a partner: it set a new token, and this process's rows are
    # changed behind its back (no signal here).
    assert "partner" in errors(client, "partner=firma")
    Partner.objects.bulk_create([Partner(slug="firma", name="Firma")])
    assert "partner" in errors(client, "partner=firma")  # nothing told this process yet
    from django.core.cache import cache

    cache.set(maplookups.VERSION_KEY, "another process's token", None)
    assert errors(client, "partner=firma") == {}


def test_changes_no_signal_reports_count_after_max_age(client, cities, monkeypatch):
    assert errors(client, "city=dortmund") == {}
    City.objects.filter(slug="dortmund").update(slug="dortmund-neu")
    assert errors(client, "city=dortmund") == {}  # kept (at most MAX_AGE)
    monkeypatch.setattr(maplookups, "MAX_AGE", 0)
    assert "city" in errors(client, "city=dortmund")
    assert errors(client, "city=dortmund-neu") == {}


def test_the_city_given_to_layers_is_a_fresh_instance(client, cities):
    first = maplookups.snapshot().city("dortmund")
    first.name = "geändert"
    second = maplookups.snapshot().city("dortmund")
    assert second is not first
    assert second.name == cities["dortmund"].name
    assert second.pk == cities["dortmund"].pk


def test_nothing_is_kept_inside_a_transaction(cities):
    from django.db import transaction

    with transaction.atomic():
        assert maplookups.snapshot() is not maplookups.snapshot()
    assert maplookups.snapshot() is maplookups.snapshot()
