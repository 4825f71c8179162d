"""The map layer ``ideas``: its SQL (``layers.idea_sql``) gives exactly the Features of the ORM
query it replaced, and the per-process snapshot of cities with ideas on the map
(``services.mapideas``) lets it skip the query only while that is true: any change counts in
the very next request."""

from datetime import timedelta

import orjson
import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smartcity.core import search
from smartcity.core.models import District
from smartcity.participation import layers
from smartcity.participation.models import Idea, IdeaStatus
from smartcity.participation.services import ideas as service
from smartcity.participation.services import mapideas
from smartcity.portfolio.models import ActionField, Strategy
from smartcity.portfolio.services import mapfeatures, maplookups

URL = "/api/v1/map/features.geojson"


def by_orm(city, filters):
    """The layer's Features as the ORM query before ``idea_sql`` built them (reference)."""
    ideas = Idea.objects.published().exclude(longitude=None)
    if city is not None:
        ideas = ideas.filter(city=city)
    for key, lookup in (
        ("status", "status__in"),
        ("district", "district__slug__in"),
        ("action_field", "action_field__slug__in"),
    ):
        values = filters.any_of(key)
        if values:
            ideas = ideas.filter(**{lookup: values})
    for term in search.query_terms(filters.q or ""):
        ideas = ideas.filter(search_text__contains=term)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        ideas = ideas.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "layer": "ideas",
                "title": title,
                "url": reverse("participation:idea", kwargs={"city": city_slug, "pk": pk}),
                "status": status,
                "action_field": field,
                "supports": supports,
            },
        }
        for pk, title, status, lon, lat, supports, city_slug, field in ideas.values_list(
            "pk",
            "title",
            "status",
            "longitude",
            "latitude",
            "supports_count",
            "city__slug",
            "action_field__slug",
        )
    ]


def new_idea(city, title, status=IdeaStatus.IN_REVIEW, lon=7.46, lat=51.51, **extra):
    return Idea(
        city=city,
        title=title,
        description=title,
        description_html=title,
        submitter_email="ideen@example.org",
        consent_at=timezone.now(),
        status=status,
        longitude=lon,
        latitude=None if lon is None else lat,
        search_text=search.normalise(title),
        **extra,
    )


def make_idea(*args, **kwargs):
    idea = new_idea(*args, **kwargs)
    idea.save()
    return idea


@pytest.fixture
def pool(cities):
    dortmund, schwerte = cities["dortmund"], cities["schwerte"]
    strategy = Strategy.objects.create(name="Strategie", slug="strategie-ideen")
    data = ActionField.objects.create(strategy=strategy, slug="ideen-daten", name="Daten", order=1)
    energy = ActionField.objects.create(
        strategy=strategy, slug="ideen-energie", name="Energie", order=2
    )
    hoerde = District.objects.get_or_create(city=dortmund, slug="ideen-hoerde", name="Hö")[0]
    mitte = District.objects.get_or_create(city=schwerte, slug="ideen-mitte", name="Mi")[0]
    created = timezone.now()
    specs = [
        (dortmund, "Trinkbrunnen am Bahnhof", IdeaStatus.IN_REVIEW, 7.459, 51.517, data, hoerde),
        (dortmund, "Radstellplätze zählen", IdeaStatus.PARKED, 7.467, 51.511, energy, None),
        (dortmund, "Sensor 50%_x am See", IdeaStatus.ACCEPTED, 7.50, 51.49, None, hoerde),
        (dortmund, "Bänke, „Schatten“ & Wasser", IdeaStatus.DECLINED, 7.31, 51.43, data, None),
        (dortmund, "Zusammengeführt", IdeaStatus.MERGED, 7.44, 51.55, energy, hoerde),
        (dortmund, "Ohne Ort", IdeaStatus.IN_REVIEW, None, None, data, None),
        (dortmund, "Eingegangen", IdeaStatus.RECEIVED, 7.46, 51.51, data, hoerde),
        (dortmund, "Unbestätigt", IdeaStatus.UNCONFIRMED, 7.46, 51.51, data, None),
        (schwerte, "Bürgerbus in Echtzeit", IdeaStatus.IN_REVIEW, 7.566, 51.445, data, mitte),
        (schwerte, "Sensor am Ruhrufer", IdeaStatus.PARKED, 7.57, 51.44, None, None),
    ]
    for number, (city, title, status, lon, lat, field, district) in enumerate(specs):
        idea = make_idea(city, title, status, lon, lat, action_field=field, district=district)
        # Two with the same time: the model's ordering falls back to the id.
        Idea.objects.filter(pk=idea.pk).update(
            created_at=created - timedelta(minutes=number // 2), supports_count=number
        )
    return cities


QUERIES = [
    "",
    "city=dortmund",
    "city=schwerte",
    "action_field=ideen-daten",
    "city=dortmund&action_field=ideen-daten",
    "action_field=ideen-daten&action_field=ideen-energie",
    "city=dortmund&action_field=ideen-daten&bbox=7.30,51.42,7.45,51.56",
    "bbox=7.30,51.42,7.45,51.56",
    "bbox=7.0,51.0,8.0,52.0&status=parked",
    "status=in_review&status=declined",
    "status=planned",
    "city=dortmund&district=ideen-hoerde",
    "district=ideen-hoerde&district=ideen-mitte",
    "q=sensor",
    "q=50%_x",  # LIKE wildcards are searched for literally
    "q=sensor see",
    "city=schwerte&q=bus&action_field=ideen-daten&status=in_review",
]


def ideas_of(client, query):
    response = client.get(f"{URL}?layer=ideas&{query}")
    assert response.status_code == 200, response.content
    return orjson.loads(response.content)["features"]


@pytest.mark.django_db
def test_the_sql_gives_the_features_of_the_orm_query(pool):
    nonempty = 0
    for text in QUERIES:
        query = mapfeatures.parse(QueryDict(text))
        expected = by_orm(query.city, query.filters)
        assert list(layers.idea_features(query.city, query.filters)) == expected, text
        nonempty += bool(expected)
    assert nonempty >= len(QUERIES) - 2


@pytest.mark.django_db
def test_the_endpoint_lists_published_located_ideas_newest_first(pool, client):
    features = ideas_of(client, "city=dortmund")
    # Newest first; of two submitted at the same time, the later id first.
    assert [feature["properties"]["title"] for feature in features] == [
        "Radstellplätze zählen",
        "Trinkbrunnen am Bahnhof",
        "Bänke, „Schatten“ & Wasser",
        "Sensor 50%_x am See",
        "Zusammengeführt",
    ]
    second = features[1]
    idea = Idea.objects.get(title="Trinkbrunnen am Bahnhof")
    assert second == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [7.459, 51.517]},
        "properties": {
            "id": idea.pk,
            "layer": "ideas",
            "title": "Trinkbrunnen am Bahnhof",
            "url": idea.get_absolute_url(),
            "status": "in_review",
            "action_field": "ideen-daten",
            "supports": 0,
        },
    }
    assert features[3]["properties"]["action_field"] is None


class TestKeptBetweenRequests:
    """These tests commit (``transaction=True``): inside a transaction nothing is kept."""

    pytestmark = pytest.mark.django_db(transaction=True)

    @pytest.fixture(autouse=True)
    def own_cache(self):
        """A cache of this test's own: another test process setting a new token would only
        make this one reload, but the query counts below would change."""
        with override_settings(
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "participation-map-ideas-tests",
                }
            }
        ):
            mapideas.clear()
            maplookups.clear()
            yield
            mapideas.clear()
            maplookups.clear()

    @staticmethod
    def idea_queries(client, query):
        with CaptureQueriesContext(connection) as captured:
            features = ideas_of(client, query)
        asked = [item["sql"] for item in captured if "participation_idea" in item["sql"]]
        return len(asked), [feature["properties"]["title"] for feature in features]

    def test_no_ideas_cost_no_query_and_the_first_one_counts_at_once(self, cities, client):
        view = "city=dortmund&action_field=daten&bbox=7.30,51.42,7.50,51.56"
        ActionField.objects.create(
            strategy=Strategy.objects.create(name="S", slug="s"), slug="daten", name="D"
        )
        assert self.idea_queries(client, view) == (1, [])  # the snapshot is loaded
        assert self.idea_queries(client, view) == (0, [])  # and kept
        assert self.idea_queries(client, "") == (0, [])
        idea = make_idea(cities["dortmund"], "Neu", action_field=ActionField.objects.get())
        assert self.idea_queries(client, view) == (2, ["Neu"])  # snapshot and layer
        assert self.idea_queries(client, view) == (1, ["Neu"])  # the layer's query only
        idea.delete()
        assert self.idea_queries(client, view) == (1, [])  # reloaded: none again
        assert self.idea_queries(client, view) == (0, [])

    def test_a_status_change_that_hides_an_idea_counts_in_the_next_request(self, cities, client):
        idea = make_idea(cities["dortmund"], "Sichtbar")
        assert self.idea_queries(client, "city=dortmund")[1] == ["Sichtbar"]
        idea.status = IdeaStatus.RECEIVED
        idea.save()
        assert self.idea_queries(client, "city=dortmund") == (1, [])
        assert self.idea_queries(client, "city=dortmund") == (0, [])
        idea.status = IdeaStatus.IN_REVIEW
        idea.save(update_fields=["status"])
        assert self.idea_queries(client, "city=dortmund")[1] == ["Sichtbar"]
        idea.longitude = idea.latitude = None  # no longer on the map
        idea.save()
        assert self.idea_queries(client, "city=dortmund") == (1, [])

    def test_the_workflow_publishes_in_the_next_request(self, cities, client, after_commit):
        from smartcity.accounts.roles import Role
        from smartcity.participation.tests.conftest import make_user

        dortmund = cities["dortmund"]
        editor = make_user("redaktion", city=dortmund, role=Role.EDITOR)
        data = {"title": "Mehr Bänke", "description": "Am See.", "email": "a@example.org"}
        with after_commit():
            idea = service.submit(
                dortmund, {**data, "consent": True, "longitude": 7.46, "latitude": 51.51}
            )
        assert self.idea_queries(client, "city=dortmund") == (1, [])
        token = signing.dumps({"i": idea.pk}, salt=service.CONFIRM_SALT)
        idea = service.confirm(token)
        assert idea.status == IdeaStatus.RECEIVED
        assert self.idea_queries(client, "city=dortmund") == (1, [])
        with after_commit():
            service.change_status(editor, idea, IdeaStatus.IN_REVIEW)
        assert self.idea_queries(client, "city=dortmund")[1] == ["Mehr Bänke"]

    def test_a_city_without_ideas_is_skipped_another_is_asked(self, cities, client):
        make_idea(cities["schwerte"], "In Schwerte", lon=7.566, lat=51.445)
        assert self.idea_queries(client, "city=schwerte") == (2, ["In Schwerte"])
        assert self.idea_queries(client, "city=dortmund") == (0, [])
        assert self.idea_queries(client, "") == (1, ["In Schwerte"])

    def test_a_change_in_another_process_counts_in_the_next_request(self, cities, client):
        assert self.idea_queries(client, "") == (1, [])
        # Another process published an idea: it set a new token, and this process's rows
        # are changed behind its back (no signal here).
        Idea.objects.bulk_create([new_idea(cities["dortmund"], "Anderswo")])
        assert self.idea_queries(client, "") == (0, [])  # nothing told this process yet
        cache.set(mapideas.VERSION_KEY, "another process's token", None)
        assert self.idea_queries(client, "")[1] == ["Anderswo"]

    def test_changes_no_signal_reports_count_after_max_age(self, cities, client, monkeypatch):
        idea = make_idea(cities["dortmund"], "Versteckt", status=IdeaStatus.RECEIVED)
        assert self.idea_queries(client, "") == (1, [])
        Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.IN_REVIEW)
        assert self.idea_queries(client, "") == (0, [])  # kept (at most MAX_AGE)
        monkeypatch.setattr(mapideas, "MAX_AGE", 0)
        assert self.idea_queries(client, "")[1] == ["Versteckt"]

    def test_a_change_rolled_back_costs_a_query_never_an_idea(self, cities, client):
        assert self.idea_queries(client, "") == (1, [])
        with transaction.atomic():
            make_idea(cities["dortmund"], "Zurückgerollt")
            transaction.set_rollback(True)
        assert self.idea_queries(client, "") == (1, [])
        assert self.idea_queries(client, "") == (0, [])

    def test_nothing_is_kept_inside_a_transaction(self, cities):
        with transaction.atomic():
            assert mapideas.snapshot() is None
            assert mapideas.may_have_ideas(cities["dortmund"])
        assert mapideas.snapshot() is mapideas.snapshot()

    def test_without_the_cache_the_database_is_asked(self, cities, client, monkeypatch):
        class Unreachable:
            def __getattr__(self, name):
                raise ConnectionError("no cache")

        from smartcity.core import snapshots

        monkeypatch.setattr(snapshots, "cache", Unreachable())
        assert mapideas.snapshot() is None
        assert self.idea_queries(client, "") == (1, [])
        make_idea(cities["dortmund"], "Ohne Cache")
        assert self.idea_queries(client, "") == (1, ["Ohne Cache"])
