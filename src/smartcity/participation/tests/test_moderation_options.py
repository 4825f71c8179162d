"""Post-moderation, time-limited blocks, the configurable rating burst rule, client addresses
for rate limits and the participation:write token scope."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from smartcity.core.tokens import create_token
from smartcity.participation.models import (
    CityParticipation,
    CommentStatus,
    RatingFlag,
    UserBlock,
)
from smartcity.participation.services import Refused, limits, moderation
from smartcity.participation.services import comments as service
from smartcity.participation.services import ratings as rating_service
from smartcity.participation.tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return make_user("erika")


@pytest.fixture
def moderator(dortmund):
    return make_user("moderation", city=dortmund, role="moderator")


def test_post_moderation_publishes_at_once_and_queues(citizen, project, dortmund, moderator):
    CityParticipation.objects.create(city=dortmund, post_moderation=True)
    comment = service.post(citizen, project, dortmund, "Sofort sichtbar")
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.needs_review
    assert list(moderation.queue(dortmund)) == [comment]
    assert not list(moderation.queue(dortmund, "pending"))
    moderation.decide(moderator, comment, "approve")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED and not comment.needs_review
    # The city team's own comments need no look afterwards.
    assert not service.post(moderator, project, dortmund, "Vom Team").needs_review


def test_without_post_moderation_nothing_is_queued(citizen, project, dortmund):
    comment = service.post(citizen, project, dortmund, "Normal")
    assert comment.status == CommentStatus.PUBLISHED and not comment.needs_review


def test_a_block_for_some_days_ends_by_itself(citizen, project, dortmund, moderator):
    comment = service.post(citizen, project, dortmund, "Laut")
    moderation.decide(moderator, comment, "block", "Beleidigung", block_days=7)
    block = UserBlock.objects.get(user=citizen, city=dortmund)
    assert block.until is not None
    assert timedelta(days=6, hours=23) < block.until - timezone.now() <= timedelta(days=7)
    with pytest.raises(Refused):
        service.post(citizen, project, dortmund, "Noch gesperrt")
    UserBlock.objects.filter(pk=block.pk).update(until=timezone.now() - timedelta(minutes=1))
    citizen = type(citizen).objects.get(pk=citizen.pk)  # fresh permission caches
    assert service.post(citizen, project, dortmund, "Wieder dabei").status == "published"


def test_a_new_block_replaces_the_running_one(citizen, project, dortmund, moderator):
    first = service.post(citizen, project, dortmund, "Eins")
    second = service.post(citizen, project, dortmund, "Zwei")
    moderation.decide(moderator, first, "block", "Erstes Mal", block_days=7)
    moderation.decide(moderator, second, "block", "Wiederholt", block_days=None)
    block = UserBlock.objects.get(user=citizen, city=dortmund)
    assert block.until is None and block.reason == "Wiederholt"


def test_an_unknown_block_duration_is_refused(citizen, project, dortmund, moderator):
    comment = service.post(citizen, project, dortmund, "Laut")
    with pytest.raises(ValidationError) as error:
        moderation.decide(moderator, comment, "block", "Grund", block_days=12)
    assert "block_days" in error.value.message_dict
    assert not UserBlock.objects.exists()


def test_moderation_page_blocks_for_the_chosen_days(client, citizen, project, dortmund, moderator):
    comment = service.post(citizen, project, dortmund, "Laut")
    client.force_login(moderator)
    response = client.post(
        f"/beteiligung/{dortmund.slug}/moderation/entscheiden/",
        {"comment": [comment.pk], "action": "block", "reason": "Beleidigung", "block_days": "30"},
    )
    assert response.status_code == 302
    block = UserBlock.objects.get(user=citizen)
    assert timedelta(days=29) < block.until - timezone.now() <= timedelta(days=30)


def test_burst_rule_comes_from_the_settings(settings, project, dortmund):
    settings.PARTICIPATION_RATING_BURST = {"count": 2, "window_minutes": 10}
    assert rating_service.burst_rule()[:2] == (2, timedelta(minutes=10))
    rating_service.rate(make_user("neu1"), project, dortmund, 1)
    assert not RatingFlag.objects.exists()
    rating_service.rate(make_user("neu2"), project, dortmund, 1)
    assert RatingFlag.objects.get().new_accounts == 2


def test_a_bad_burst_setting_is_named(settings):
    settings.PARTICIPATION_RATING_BURST = {"count": 0}
    with pytest.raises(ImproperlyConfigured, match="PARTICIPATION_RATING_BURST"):
        rating_service.burst_rule()


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("unbekannt", None),
    ],
)
def test_client_address_for_rate_limits(remote, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert limits.client_address(request) == expected


def test_addresses_in_one_ipv6_network_share_a_limit(project, dortmund):
    factory = RequestFactory()
    users = [make_user(f"v6nutzer{number}") for number in range(61)]
    for number, user in enumerate(users[:60]):
        request = factory.get("/", REMOTE_ADDR=f"2001:db8:0:7::{number + 1:x}")
        rating_service.rate(user, project, dortmund, 4, address=limits.client_address(request))
    request = factory.get("/", REMOTE_ADDR="2001:db8:0:7::ffff")
    with pytest.raises(Refused):
        rating_service.rate(users[60], project, dortmund, 4, address=limits.client_address(request))


def test_api_writes_need_the_participation_scope(client, citizen, project):
    url = f"/api/v1/projects/{project.pk}/rating"
    _token, wrong = create_token(citizen, ["portfolio:write"], name="falsch")
    response = client.put(
        url, {"stars": 4}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {wrong}"
    )
    assert response.status_code == 401
    _token, right = create_token(citizen, ["participation:write"], name="richtig")
    response = client.put(
        url, {"stars": 4}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {right}"
    )
    assert response.status_code == 200, response.content
