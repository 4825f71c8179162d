"""The JSON API: public list and detail, on-demand analysis with impossible settings."""

import pytest

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.bridges.simulator import fleet, physics, sinks
from smartcity.bridges.tests.conftest import DAY, START
from smartcity.core.tokens import create_token


@pytest.fixture
def measured(bridge):
    spec = physics.BridgeSpec(seed=2)
    fleet.generate(bridge, spec, START, START + DAY / 2, sinks.DirectSink(), dynamic_every=3600)
    return bridge


@pytest.fixture
def engineer_token(cities):
    user = User.objects.create_user(username="ingenieur", password="x" * 12)
    Membership.objects.create(user=user, city=cities["dortmund"], role=Role.DEPARTMENT)
    return create_token(user, ["sta:write"], name="api")[1]


def post(client, bridge, code, body, token):
    return client.post(
        f"/api/v1/bridges/dortmund/{bridge.slug}/channels/{code}/analysis",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_public_list_and_detail(measured, client):
    listing = client.get("/api/v1/bridges", {"city": "dortmund"}).json()
    assert [item["structureNumber"] for item in listing] == [measured.structure_number]
    detail = client.get(f"/api/v1/bridges/dortmund/{measured.slug}").json()
    assert {channel["code"] for channel in detail["channels"]} >= {"T1", "R1", "A1", "S1"}
    assert detail["inspections"]["next_main"]


def test_bad_settings_are_rejected_with_field_messages(measured, client, engineer_token):
    response = post(client, measured, "A1", {"sampling_rate_hz": -100}, engineer_token)
    assert response.status_code == 422
    assert "sampling_rate_hz" in response.json()["error"]["fields"]
    response = post(client, measured, "A1", {"window_s": 600}, engineer_token)
    assert response.status_code == 422
    assert "länger als die vorhandenen Daten" in response.json()["error"]["fields"]["window_s"][0]
    response = post(client, measured, "S1", {"detail_category": 99}, engineer_token)
    assert response.status_code == 422
    assert "Kerbfall" in response.json()["error"]["fields"]["detail_category"][0]


def test_good_settings_give_results(measured, client, engineer_token):
    modes = post(client, measured, "A1", {"window_s": 20}, engineer_token).json()["modes"]
    assert modes and abs(modes[0] - 2.9) < 0.15
    fatigue = post(client, measured, "S1", {"detail_category": 36}, engineer_token).json()
    milder = post(client, measured, "S1", {"detail_category": 160}, engineer_token).json()
    assert fatigue["damage"] > milder["damage"] >= 0


def test_analysis_needs_department_staff(measured, client, cities):
    user = User.objects.create_user(username="buerger", password="x" * 12)
    token = create_token(user, ["sta:write"], name="x")[1]
    assert post(client, measured, "A1", {}, token).status_code == 403
    assert post(client, measured, "A1", {}, "sc_nothing").status_code == 401
