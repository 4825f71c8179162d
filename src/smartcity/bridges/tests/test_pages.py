"""Public pages, the map layer, the engineers' view, limit editing and acknowledgement."""

import time

import pytest

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.bridges import demo, map_layer
from smartcity.bridges.models import Alert, AlertKind, AlertLog, Bridge, Level
from smartcity.bridges.services import alerts
from smartcity.bridges.tests.conftest import START, channel
from smartcity.core.registries import MapFilters


@pytest.fixture
def demo_bridges(cities):
    started = time.perf_counter()
    demo.load()
    elapsed = time.perf_counter() - started
    demo.load()  # idempotent
    return Bridge.objects.order_by("pk"), elapsed


def staff(city, role=Role.DEPARTMENT):
    user = User.objects.create_user(
        username=f"staff-{role}-{city.slug}", email=f"{role}@{city.slug}.example", password="x" * 12
    )
    Membership.objects.create(user=user, city=city, role=role)
    return user


def test_demo_loads_bridges_with_findings(demo_bridges):
    bridges, elapsed = demo_bridges
    assert bridges.count() == 3
    assert elapsed < 60  # generous here; the demo takes a few seconds
    crack = bridges.get(slug="sim-2")
    assert Alert.objects.filter(bridge=crack, kind=AlertKind.LIMIT).exists()
    healthy = bridges.get(slug="sim-1")
    assert not Alert.objects.filter(bridge=healthy, level__gte=Level.WARNING).exists()


def test_public_pages(demo_bridges, client):
    bridges, _ = demo_bridges
    healthy = bridges.get(slug="sim-1")
    response = client.get("/dortmund/bruecken/")
    assert response.status_code == 200
    assert healthy.name in response.content.decode()
    page = client.get(healthy.get_absolute_url()).content.decode()
    assert "Die Sensoren melden nichts Auffälliges." in page
    assert "Zustandsnote" in page and str(healthy.condition_grade).replace(".", ",") in page
    assert 'role="img"' in page and "<table" in page
    cracked = client.get(bridges.get(slug="sim-2").get_absolute_url()).content.decode()
    assert "Ein Riss (Widerlager Nord, Kammerwand) ist breiter" in cracked
    for period in ("woche", "jahr"):
        assert client.get(healthy.get_absolute_url(), {"zeitraum": period}).status_code == 200
    assert "Fachansicht" not in page


def test_map_layer(demo_bridges):
    bridges, _ = demo_bridges
    features = map_layer.features(None, MapFilters())
    assert len(features) == 3
    assert {feature["geometry"]["type"] for feature in features} == {"LineString"}
    statuses = {
        feature["properties"]["title"]: feature["properties"]["status"] for feature in features
    }
    assert statuses[bridges.get(slug="sim-1").name] == "green"
    assert statuses[bridges.get(slug="sim-2").name] in {"yellow", "orange", "red"}
    only_green = map_layer.features(None, MapFilters(status="green"))
    assert [f["properties"]["status"] for f in only_green] == ["green"]


def test_engineer_view_needs_department_role(demo_bridges, client, cities):
    bridge = demo_bridges[0].get(slug="sim-2")
    url = f"/dortmund/bruecken/{bridge.slug}/technik/"
    assert client.get(url).status_code in (302, 403)
    client.force_login(staff(cities["dortmund"], Role.EDITOR))
    assert client.get(url).status_code == 403
    client.force_login(staff(cities["dortmund"]))
    page = client.get(url).content.decode()
    assert "Spektrum des letzten Messfensters" in page
    assert "Rainflow-Histogramm" in page and "Restlebensdauer" in page
    assert "Verlauf der Meldungen" in page and "Quittieren" in page


def test_limit_editing_validates_and_logs(bridge, client, cities):
    client.force_login(staff(cities["dortmund"]))
    crack = channel(bridge, "R1")
    url = f"/dortmund/bruecken/{bridge.slug}/technik/"
    prefix = f"c{crack.pk}"
    response = client.post(
        url,
        {
            "channel": crack.pk,
            f"{prefix}-notice_limit": "0.05",
            f"{prefix}-warning_limit": "0.02",
            f"{prefix}-alarm_limit": "0.1",
        },
    )
    assert response.status_code == 200
    assert "Hinweis &lt; Warnung &lt; Alarm" in response.content.decode()
    crack.refresh_from_db()
    assert crack.notice_limit is None
    response = client.post(
        url,
        {
            "channel": crack.pk,
            f"{prefix}-notice_limit": "0.01",
            f"{prefix}-warning_limit": "0.02",
            f"{prefix}-alarm_limit": "0.04",
        },
    )
    assert response.status_code == 302
    crack.refresh_from_db()
    assert crack.limits() == {1: 0.01, 2: 0.02, 3: 0.04}
    assert AlertLog.objects.filter(channel=crack, action=AlertLog.Action.LIMITS).exists()
    page = client.get(url).content.decode()
    assert "0,0100 / 0,0200 / 0,0400 (von Hand gesetzt)" in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(set by hand)" in english
    acceleration = channel(bridge, "A1")
    response = client.post(
        url, {"channel": acceleration.pk, f"c{acceleration.pk}-frequency_drop_limit": "80"}
    )
    assert "zwischen 0 und 50" in response.content.decode()


def test_frequency_limits_are_edited_for_all_three_levels(bridge, client, cities):
    client.force_login(staff(cities["dortmund"]))
    acceleration = channel(bridge, "A1")
    url = f"/dortmund/bruecken/{bridge.slug}/technik/"
    prefix = f"c{acceleration.pk}"
    page = client.get(url).content.decode()
    assert "1,0 / 2,0 / 4,0 % Frequenzabfall" in page
    assert f"{prefix}-frequency_notice_limit" in page and f"{prefix}-frequency_alarm_limit" in page
    limits = {"notice": "3", "drop": "2", "alarm": "4"}
    response = client.post(
        url,
        {"channel": acceleration.pk}
        | {f"{prefix}-frequency_{name}_limit": value for name, value in limits.items()},
    )
    assert response.status_code == 200
    assert "Hinweis &lt; Warnung &lt; Alarm" in response.content.decode()
    limits["notice"] = "0.8"
    response = client.post(
        url,
        {"channel": acceleration.pk}
        | {f"{prefix}-frequency_{name}_limit": value for name, value in limits.items()},
    )
    assert response.status_code == 302
    acceleration.refresh_from_db()
    assert acceleration.frequency_notice_limit == 0.8
    assert "0,8 / 2,0 / 4,0 % Frequenzabfall" in client.get(url).content.decode()
    log = AlertLog.objects.get(channel=acceleration, action=AlertLog.Action.LIMITS)
    assert "frequency_notice_limit=0.8" in log.detail


def test_engineer_view_names_who_gets_the_alerts(bridge, client, cities):
    user = staff(cities["dortmund"])
    url = f"/dortmund/bruecken/{bridge.slug}/technik/"
    client.force_login(user)
    bridge.owner_department, bridge.alert_email = "Tiefbauamt", ""
    bridge.save()
    assert "Meldungen gehen an niemanden per E-Mail" in client.get(url).content.decode()
    Membership.objects.filter(user=user).update(organisation="Tiefbauamt")
    bridge.alert_webhook = "https://leitstelle.example/hook"
    bridge.save()
    page = client.get(url).content.decode()
    assert f"Meldungen gehen per E-Mail an: {user.email}" in page
    assert "signierter Webhook-Aufruf" in page


def test_acknowledge_from_the_engineer_view(bridge, client, cities):
    alert, _ = alerts.raise_alert(bridge, channel(bridge, "R1"), AlertKind.LIMIT, 2, START, "x")
    url = f"/dortmund/bruecken/{bridge.slug}/technik/meldungen/{alert.pk}/quittieren/"
    assert client.post(url).status_code in (302, 403)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    user = staff(cities["dortmund"])
    client.force_login(user)
    assert client.post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == user


def test_open_data_publication(demo_bridges, cities):
    from smartcity.bridges.publications import bridges_csv

    name, content = bridges_csv(cities["dortmund"])
    lines = content.decode().splitlines()
    assert name == "brueckenmonitoring.csv"
    assert lines[0].startswith("bauwerksnummer,name")
    assert len(lines) == 3  # two Dortmund bridges
    assert any(",green," in line for line in lines[1:])
