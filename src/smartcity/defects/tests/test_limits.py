"""Rate limits of report submissions: web form per address, Open311 per address and key."""

import pytest
from django.urls import reverse

from smartcity.accounts.models import User
from smartcity.core.tokens import create_token
from smartcity.defects import limits
from smartcity.defects.models import Report
from smartcity.defects.tests.factories import INSIDE, setup_defects
from smartcity.defects.tests.test_pages import form_data


@pytest.fixture
def pothole(cities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return setup_defects(cities)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10/h", (10, 3600)), ("5/10m", (5, 600)), ("1/d", (1, 86400)), ("0/s", (0, 1))],
)
def test_rates_are_parsed(text, expected):
    assert limits.parse_rate(text) == expected


@pytest.mark.parametrize("text", ["10", "x/h", "10/0m", "10/w", "/h"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError, match="rate limit"):
        limits.parse_rate(text)


def test_ipv6_counts_per_network_and_ipv4_as_is(rf):
    def address(remote):
        return limits.client_address(rf.get("/", REMOTE_ADDR=remote))

    assert (
        address("2001:db8:1:2:aaaa::1") == address("2001:db8:1:2:bbbb::9") == ("2001:db8:1:2::/64")
    )
    assert address("2001:db8:1:3::1") != address("2001:db8:1:2::1")
    assert address("::ffff:192.0.2.7") == address("192.0.2.7") == "192.0.2.7"
    assert address("") is None


def test_the_window_ends_and_counting_starts_again():
    limits.hit("web_address", "192.0.2.1", now=7200.0)
    for _ in range(9):
        limits.hit("web_address", "192.0.2.1", now=7300.0)
    with pytest.raises(limits.Limited) as refused:
        limits.hit("web_address", "192.0.2.1", now=10_000.0)
    assert refused.value.retry_after == 800  # the hour 7200–10800 ends in 800 s
    limits.hit("web_address", "192.0.2.2", now=10_000.0)  # another address is not affected
    limits.hit("web_address", "192.0.2.1", now=10_800.0)  # a new window


def test_the_web_form_answers_429_with_a_message_after_the_limit(client, pothole, settings):
    settings.DEFECTS_RATE_LIMITS = {"web_address": "2/h"}
    url = reverse("defects:new", kwargs={"city": "dortmund"})
    for _ in range(2):
        assert client.post(url, form_data(), REMOTE_ADDR="198.51.100.4").status_code == 302
    response = client.post(url, form_data(), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "sehr viele Meldungen" in page and "noch einmal" in page
    assert "Tiefes Loch auf dem Radweg" in page  # what was typed is kept
    assert Report.objects.count() == 2
    # An invalid form is not counted and still gets its field message.
    response = client.post(url, form_data(description=""), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 400
    assert client.post(url, form_data(), REMOTE_ADDR="198.51.100.5").status_code == 302
    assert Report.objects.count() == 3


def open311_post(client, key, remote="203.0.113.9"):
    return client.post(
        "/open311/v2/requests.json",
        {
            "jurisdiction_id": "dortmund",
            "api_key": key,
            "service_code": "schlagloch",
            "lat": str(INSIDE[0]),
            "long": str(INSIDE[1]),
            "description": "Loch",
        },
        REMOTE_ADDR=remote,
    )


def test_open311_posts_are_limited_per_api_key(client, pothole, settings):
    settings.DEFECTS_RATE_LIMITS = {"open311_key": "2/h"}
    app = User.objects.create_user("stadtapp", "app@example.org", "pw-123-long")
    first = create_token(app, "open311:write")[1]
    second = create_token(app, "open311:write")[1]
    assert open311_post(client, first).status_code == 201
    assert open311_post(client, first, remote="203.0.113.10").status_code == 201
    refused = open311_post(client, first, remote="203.0.113.11")  # a new address: same key
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    error = refused.json()[0]
    assert error["code"] == 429 and "API key" in error["description"]
    assert open311_post(client, second).status_code == 201
    assert Report.objects.count() == 3


def test_open311_posts_are_limited_per_address_also_with_bad_keys(client, pothole, settings):
    settings.DEFECTS_RATE_LIMITS = {"open311_address": "2/h"}
    assert open311_post(client, "sc_falsch").status_code == 403
    assert open311_post(client, "sc_falsch").status_code == 403
    response = client.post(
        "/open311/v2/requests.xml", {"jurisdiction_id": "dortmund"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
    assert b"<code>429</code>" in response.content and b"network address" in response.content
    assert Report.objects.count() == 0


def test_the_support_button_is_limited_and_counts_an_address_once(pothole, settings):
    from django.test import Client

    from smartcity.defects import services

    settings.DEFECTS_RATE_LIMITS = {"support_address": "3/h"}
    report = services.create_report(
        pothole.city, category=pothole, latitude=INSIDE[0], longitude=INSIDE[1],
        description="Loch", source=Report.Source.WEB,
    )  # fmt: skip
    url = reverse("defects:support", kwargs={"city": "dortmund", "pk": report.pk})

    def press(remote, client=None):
        return (client or Client()).post(url, REMOTE_ADDR=remote)  # a new browser session

    # A new browser session from the same address is not a new supporter …
    assert press("198.51.100.7").status_code == 302
    assert press("198.51.100.7").status_code == 302
    report.refresh_from_db()
    assert report.supporter_count == 1
    # … nor is another device in the same IPv6 /64; another address is.
    assert press("2001:db8:5:6::1").status_code == 302
    assert press("2001:db8:5:6::2").status_code == 302
    assert press("198.51.100.8").status_code == 302
    report.refresh_from_db()
    assert report.supporter_count == 3
    # A person with an account counts once, whatever address they come from.
    user = User.objects.create_user("clara", "clara@example.org", "pw-123-long")
    member = Client()
    member.force_login(user)
    assert press("198.51.100.7", member).status_code == 302
    report.refresh_from_db()
    assert report.supporter_count == 4
    # The fourth press from one address within the hour is refused, with a message.
    refused = press("198.51.100.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert "sehr viele Unterstützungen" in page and "noch einmal" in page
    assert press("198.51.100.9").status_code == 302  # other addresses are not affected
    report.refresh_from_db()
    assert report.supporter_count == 5
    # Neither the stored marks nor anything else keeps the address itself.
    from smartcity.defects.models import Support

    marks = list(Support.objects.values_list("address_mark", flat=True))
    assert len(marks) == 5 and all(len(mark) == 64 for mark in marks)
    assert not any("198.51.100" in mark for mark in marks)
    assert services.address_mark(report, "198.51.100.7") != services.address_mark(
        Report(pk=report.pk + 1), "198.51.100.7"
    )  # not comparable between reports
