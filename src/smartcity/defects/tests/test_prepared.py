"""``defects.prepared``: the hot read statements prepared once per connection on PostgreSQL,
with the same rows as Django's own cursor and logged like every other query."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from smartcity.defects import nearby, prepared, services
from smartcity.defects.models import OPEN_STATUSES, Report
from smartcity.defects.tests.factories import INSIDE, setup_defects


@pytest.fixture
def pothole(cities):
    return setup_defects(cities)


def _hint_params(lat, lon, code="schlagloch"):
    south, north, west, east = nearby._bounding_box(lat, lon, nearby.DUPLICATE_RADIUS_M)
    since = timezone.now() - timedelta(days=nearby.DUPLICATE_DAYS)
    return [
        *OPEN_STATUSES,
        connection.ops.adapt_datetimefield_value(since),
        south,
        north,
        west,
        east,
        "dortmund",
        code,
        True,
    ]


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _plain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_same_rows_as_djangos_cursor_and_logged(pothole):
    for number in range(3):
        services.create_report(
            pothole.city, category=pothole, latitude=INSIDE[0] + number * 0.0001,
            longitude=INSIDE[1], description=f"Loch {number}", source=Report.Source.WEB,
        )  # fmt: skip
    sql, params = nearby._hint_sql(connection), _hint_params(*INSIDE)
    with CaptureQueriesContext(connection) as queries:
        rows = prepared.fetchall(sql, params)
    assert len(queries) == 1  # through Django's cursor wrapper: counted, logged
    assert "dortmund" in queries[0]["sql"] and "%s" not in queries[0]["sql"]  # values shown
    assert len(rows) == 3
    assert sorted(rows) == sorted(_plain(sql, params))
    assert all(timezone.is_aware(row[8]) or connection.vendor == "sqlite" for row in rows)
    assert prepared.enabled() == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL feature"
)
def test_postgresql_prepares_once_per_connection(pothole):
    sql, params = nearby._hint_sql(connection), _hint_params(*INSIDE)
    prepared.fetchall(sql, params)
    assert any("LEFT OUTER JOIN" in text for text in _prepared_names())
    before = len(_prepared_names())
    for _ in range(3):  # later runs reuse the statement of this connection
        prepared.fetchall(sql, _hint_params(INSIDE[0] + 0.001, INSIDE[1]))
    assert len(_prepared_names()) == before
    # Switched off (e.g. behind PgBouncer in transaction mode): nothing is prepared.
    unique = "SELECT %s::int + 41 AS answer"
    assert prepared.fetchall(unique, [1]) == [(42,)]
    assert any("+ 41" in text for text in _prepared_names())
    with override_settings(DEFECTS_PREPARED_STATEMENTS=False):
        assert not prepared.enabled()
        other = "SELECT %s::int + 43 AS answer"
        assert prepared.fetchall(other, [1]) == [(44,)]
        assert not any("+ 43" in text for text in _prepared_names())


def test_database_errors_are_djangos(pothole):
    with pytest.raises(DatabaseError):
        prepared.fetchall("SELECT no_such_column FROM defects_report WHERE id = %s", [1])


def test_the_duplicate_api_answers_an_empty_list_without_candidates(client, pothole):
    url = "/api/v1/defects/dortmund/duplicates"
    response = client.get(url, {"category": "schlagloch", "lat": INSIDE[0], "lon": INSIDE[1]})
    assert response.status_code == 200 and response.json() == []
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"  # the platform's headers still set
    assert "Content-Security-Policy" in response
