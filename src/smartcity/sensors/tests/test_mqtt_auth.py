"""The broker's auth callbacks map MQTT user name/password to platform tokens."""

import pytest

from smartcity.accounts.models import User
from smartcity.core.tokens import create_token, revoke_token


@pytest.fixture
def tokens(db):
    user = User.objects.create_user(username="station", password="x" * 12)
    writer, writer_secret = create_token(user, ["sta:write"])
    reader, reader_secret = create_token(user, ["opendata:write"])
    return {"writer": (writer, writer_secret), "reader": (reader, reader_secret)}


def post(client, path, body):
    return client.post(f"/api/v1/sensors/mqtt/{path}", body, content_type="application/json")


def test_connect_needs_prefix_and_valid_token(client, tokens):
    token, secret = tokens["writer"]
    assert post(client, "user", {"username": token.prefix, "password": secret}).status_code == 200
    other_prefix = tokens["reader"][0].prefix
    assert post(client, "user", {"username": other_prefix, "password": secret}).status_code == 403
    assert (
        post(client, "user", {"username": token.prefix, "password": "sc_wrong"}).status_code == 403
    )
    revoke_token(token)
    assert post(client, "user", {"username": token.prefix, "password": secret}).status_code == 403


def test_publishing_needs_sta_write_reading_is_open(client, tokens):
    topic = "v1.1/Datastreams(1)/Observations"
    writer, reader = tokens["writer"][0].prefix, tokens["reader"][0].prefix
    assert post(client, "acl", {"username": writer, "topic": topic, "acc": 2}).status_code == 200
    assert post(client, "acl", {"username": reader, "topic": topic, "acc": 2}).status_code == 403
    assert post(client, "acl", {"username": reader, "topic": topic, "acc": 4}).status_code == 200
    assert post(client, "superuser", {"username": writer}).status_code == 403


def test_subscriptions_with_a_query_are_checked_and_recorded(client, tokens):
    """The broker's ACL check of a subscription refuses queries other than $select (the client
    gets a failure in its SUBACK) and records valid $select topics for the notifier."""
    from smartcity.sensors.models import SelectTopic

    reader = tokens["reader"][0].prefix
    good = "v1.1/Things(1)?$select=name,description"
    assert post(client, "acl", {"username": reader, "topic": good, "acc": 4}).status_code == 200
    assert SelectTopic.objects.filter(topic=good).exists()
    for bad in (
        "v1.1/Things(1)?$filter=name eq 'x'",
        "v1.1/Things(1)?$select=nope",
        "v1.1/Things(1)/name?$select=name",
    ):
        assert post(client, "acl", {"username": reader, "topic": bad, "acc": 4}).status_code == 403
        assert not SelectTopic.objects.filter(topic=bad).exists()
    for plain in ("v1.1/#", "v1.1/Things(1)", "elsewhere/x?y=1"):
        assert (
            post(client, "acl", {"username": reader, "topic": plain, "acc": 4}).status_code == 200
        )
    assert SelectTopic.objects.count() == 1
