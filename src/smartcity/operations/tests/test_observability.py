import json
import logging

import pytest

from smartcity.accounts.models import User
from smartcity.core import tokens
from smartcity.core.metrics import AppMetric, app_metrics


def test_readyz_reports_each_dependency(client, db, settings):
    settings.SMARTCITY_MQTT_URL = None
    response = client.get("/readyz")
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "not configured"
    # No job worker runs during the tests, so the instance is not ready.
    assert body["worker"] == "no worker"
    assert response.status_code == 503


def test_readyz_fails_when_the_broker_is_down(client, db, settings):
    settings.SMARTCITY_MQTT_URL = "mqtt://127.0.0.1:9"
    assert client.get("/readyz").json()["broker"] == "unavailable"


def test_metrics_need_an_admin_token_or_an_allowed_network(client, db, settings):
    settings.SMARTCITY_METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 401
    user = User.objects.create_user("prometheus", "p@example.org", "x")
    _token, weak = tokens.create_token(user, "sta:write")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {weak}").status_code == 401
    _token, admin = tokens.create_token(user, "admin")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {admin}").status_code == 200


def test_metrics_expose_requests_jobs_and_app_figures(client, cities):
    app_metrics.register(
        "smartcity_test_cities",
        AppMetric("smartcity_test_cities", "Cities (test)", ["slug"], lambda: [(("dortmund",), 1)]),
    )
    try:
        client.get("/dortmund/")
        client.get("/api/v1/cities")
        text = client.get("/metrics").content.decode()  # the test client is 127.0.0.1
    finally:
        app_metrics._entries.pop("smartcity_test_cities")
    assert 'smartcity_http_requests_total{group="core",method="GET",status="2xx"}' in text
    assert 'smartcity_http_request_duration_seconds_bucket{group="api-v1"' in text
    assert "smartcity_jobs_queued 0.0" in text
    assert 'smartcity_test_cities{slug="dortmund"} 1.0' in text


def test_json_log_lines_carry_the_request_id(client, cities, capsys):
    from smartcity.core.middleware import RequestIdFilter, request_id_var
    from smartcity.operations.logging import SmartcityJsonFormatter

    record = logging.LogRecord(
        "smartcity.test", logging.INFO, __file__, 1, "hello %s", ("city",), None
    )
    token = request_id_var.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(SmartcityJsonFormatter().format(record))
    assert line["message"] == "hello city"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO" and line["logger"] == "smartcity.test"


@pytest.mark.parametrize("variable", ["SMARTCITY_LOG_FORMAT", "SMARTCITY_METRICS_ALLOWED_NETWORKS"])
def test_bad_operations_settings_name_the_variable(tmp_path, variable):
    from smartcity import config

    with pytest.raises(config.ConfigError) as raised:
        config.load({"SMARTCITY_HOME": str(tmp_path), variable: "nonsense!"})
    assert raised.value.variable == variable
