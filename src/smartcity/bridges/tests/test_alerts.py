"""Alerts: de-duplication, escalation, acknowledgement, e-mail and webhook with a log."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django_q.models import OrmQ

from smartcity.accounts.models import Membership, User
from smartcity.accounts.roles import Role
from smartcity.bridges import jobs
from smartcity.bridges.models import Alert, AlertKind, AlertLog, Level
from smartcity.bridges.services import alerts
from smartcity.bridges.simulator import fleet
from smartcity.bridges.tests.conftest import START, channel


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    raw: list = []  # (headers, body bytes) as they arrived

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        Receiver.raw.append((dict(self.headers), body))
        Receiver.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.received = []
    Receiver.raw = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", Receiver.received
    server.shutdown()
    server.server_close()


def test_repeated_detection_is_one_alert(bridge, django_capture_on_commit_callbacks):
    bridge.alert_email = "bruecken@example.org"
    bridge.save()
    crack = channel(bridge, "R1")
    with django_capture_on_commit_callbacks(execute=True):
        first, notified = alerts.raise_alert(bridge, crack, AlertKind.LIMIT, 1, START, "A")
        again, notified_again = alerts.raise_alert(
            bridge, crack, AlertKind.LIMIT, 1, START + 60, "B"
        )
    assert notified and not notified_again
    assert first.pk == again.pk
    assert Alert.objects.get(pk=first.pk).repeats == 1
    assert OrmQ.objects.count() == 1  # one notification job queued
    with django_capture_on_commit_callbacks(execute=True):
        escalated, notified = alerts.raise_alert(bridge, crack, AlertKind.LIMIT, 2, START, "C")
    assert notified and escalated.pk == first.pk and escalated.level == Level.WARNING
    assert OrmQ.objects.count() == 2
    actions = list(AlertLog.objects.filter(alert=first).values_list("action", flat=True))
    assert sorted(actions) == ["escalated", "raised"]


def test_notification_by_email_and_webhook(bridge, webhook):
    url, received = webhook
    bridge.alert_email = "bruecken@example.org"
    bridge.alert_webhook = url
    bridge.save()
    alert, _ = alerts.raise_alert(
        bridge, channel(bridge, "A1"), AlertKind.FREQUENCY, Level.WARNING, START, "Frequenz"
    )
    assert jobs.notify(alert.pk) == ["email", "webhook"]
    assert mail.outbox[0].to == ["bruecken@example.org"]
    assert mail.outbox[0].subject == f"Brückenmonitoring: Warnung für {bridge.name}"
    assert received[0]["kind"] == "frequency" and received[0]["level"] == "warning"
    assert received[0]["bridge"]["structureNumber"] == bridge.structure_number
    assert set(alert.log.values_list("action", flat=True)) == {"raised", "email", "webhook"}


def test_failed_webhook_is_logged(bridge):
    bridge.alert_webhook = "http://127.0.0.1:9/nothing-listens"
    bridge.save()
    alert, _ = alerts.raise_alert(bridge, None, AlertKind.FATIGUE, Level.NOTICE, START, "x")
    assert jobs.notify(alert.pk) == []
    assert alert.log.filter(action=AlertLog.Action.FAILED, detail__startswith="Webhook").exists()


def test_acknowledge_once(bridge):
    user = User.objects.create_user(username="ingenieurin", password="x" * 12)
    alert, _ = alerts.raise_alert(bridge, None, AlertKind.SILENT, Level.WARNING, START, "x")
    alerts.acknowledge(alert, user)
    alerts.acknowledge(alert, user)
    alert.refresh_from_db()
    assert alert.acknowledged_by == user
    assert alert.log.filter(action=AlertLog.Action.ACKNOWLEDGED).count() == 1


def test_personal_data_export_and_erase(bridge):
    from smartcity.bridges import personal_data

    user = User.objects.create_user(username="pruefer", password="x" * 12)
    alert, _ = alerts.raise_alert(bridge, None, AlertKind.SILENT, Level.WARNING, START, "x")
    alerts.acknowledge(alert, user)
    exported = personal_data.export(user)
    assert exported["acknowledged_alerts"][0]["bridge"] == bridge.name
    assert exported["log_entries"][0]["action"] == "acknowledged"
    personal_data.erase(user)
    alert.refresh_from_db()
    assert alert.acknowledged_by is None and alert.acknowledged_at is not None
    assert personal_data.export(user) == {"acknowledged_alerts": [], "log_entries": []}


def test_webhook_calls_are_signed_with_the_bridges_key(bridge, webhook):
    url, _received = webhook
    bridge.alert_webhook = url
    bridge.save()
    secret = bridge.alert_webhook_secret
    assert len(secret) >= 40  # generated on save
    alert, _ = alerts.raise_alert(bridge, None, AlertKind.SILENT, Level.WARNING, START, "x")
    before = time.time()
    assert jobs.notify(alert.pk) == ["webhook"]
    headers, body = Receiver.raw[0]
    timestamp = headers["X-Smartcity-Timestamp"]
    signature = headers["X-Smartcity-Signature"]
    assert abs(int(timestamp) - before) < 5
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert signature == "sha256=" + expected.hexdigest()
    assert alerts.verify(secret, body, timestamp, signature)
    # A changed body, another key, a replay after the tolerance, a moved timestamp: refused.
    assert not alerts.verify(secret, body + b" ", timestamp, signature)
    assert not alerts.verify("other-key", body, timestamp, signature)
    assert not alerts.verify(secret, body, timestamp, signature, now=int(timestamp) + 301)
    assert not alerts.verify(secret, body, str(int(timestamp) + 1), signature)
    assert not alerts.verify(secret, body, None, signature)


def test_each_bridge_has_its_own_key_and_a_given_key_is_kept(bridge, cities):
    bridge.alert_webhook = "https://leitstelle.example/hook"
    bridge.alert_webhook_secret = "vom-empfaenger-vorgegeben"
    bridge.save()
    bridge.refresh_from_db()
    assert bridge.alert_webhook_secret == "vom-empfaenger-vorgegeben"
    other = fleet.create_bridge(cities["dortmund"], 2, calibration_days=3)
    other.alert_webhook = "https://leitstelle.example/hook"
    other.save()
    third = fleet.create_bridge(cities["dortmund"], 3, calibration_days=3)
    third.alert_webhook = "https://leitstelle.example/hook"
    third.save()
    assert other.alert_webhook_secret != third.alert_webhook_secret
    assert other.alert_webhook_secret not in json.dumps(other.thing.properties)


def _member(city, username, role, organisation, active=True):
    user = User.objects.create_user(
        username=username, email=f"{username}@stadt.example", password="x" * 12, is_active=active
    )
    Membership.objects.create(user=user, city=city, role=role, organisation=organisation)
    return user


def test_alerts_reach_the_owner_departments_staff(
    bridge, cities, django_capture_on_commit_callbacks
):
    dortmund, schwerte = cities["dortmund"], cities["schwerte"]
    bridge.owner_department = "Tiefbauamt"
    bridge.alert_email = ""
    bridge.save()
    _member(dortmund, "tina", Role.DEPARTMENT, "tiefbauamt ")  # case and spaces do not matter
    _member(dortmund, "bruno", Role.DEPARTMENT, "Tiefbauamt")
    _member(dortmund, "gerd", Role.DEPARTMENT, "Grünflächenamt")  # another department
    _member(dortmund, "erna", Role.EDITOR, "Tiefbauamt")  # not department staff
    _member(schwerte, "sven", Role.DEPARTMENT, "Tiefbauamt")  # another city
    _member(dortmund, "alt", Role.DEPARTMENT, "Tiefbauamt", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        alert, notified = alerts.raise_alert(
            bridge, channel(bridge, "R1"), AlertKind.LIMIT, Level.WARNING, START, "Riss"
        )
    assert notified and OrmQ.objects.count() == 1  # queued without alert_email or webhook
    assert jobs.notify(alert.pk) == ["email"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bruno@stadt.example",
        "tina@stadt.example",
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others
    assert mail.outbox[0].subject == f"Brückenmonitoring: Warnung für {bridge.name}"
    logged = alert.log.get(action=AlertLog.Action.EMAIL).detail
    assert "tina@stadt.example" in logged and "bruno@stadt.example" in logged


def test_bridge_address_and_department_are_mailed_once_each(bridge, cities):
    bridge.owner_department = "Tiefbauamt"
    bridge.alert_email = "Bruno@Stadt.example"
    bridge.save()
    _member(cities["dortmund"], "bruno", Role.DEPARTMENT, "Tiefbauamt")
    alert, _ = alerts.raise_alert(bridge, None, AlertKind.SILENT, Level.WARNING, START, "x")
    assert jobs.notify(alert.pk) == ["email"]
    assert [message.to for message in mail.outbox] == [["Bruno@Stadt.example"]]


def test_without_address_webhook_or_staff_nothing_is_queued(
    bridge, django_capture_on_commit_callbacks
):
    bridge.alert_email = ""
    bridge.save()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.raise_alert(bridge, None, AlertKind.SILENT, Level.WARNING, START, "x")
    assert OrmQ.objects.count() == 0
