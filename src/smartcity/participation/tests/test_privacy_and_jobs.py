from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from smartcity.accounts.services import delete_account, export_user_data
from smartcity.core.registries import MapFilters, map_layers
from smartcity.participation import jobs
from smartcity.participation.models import (
    AbuseRecord,
    Comment,
    Idea,
    IdeaStatus,
    NotificationPreference,
)
from smartcity.participation.services import comments as comment_service
from smartcity.participation.services import ideas as idea_service
from smartcity.participation.services import limits, notify
from smartcity.participation.services import ratings as rating_service

pytestmark = pytest.mark.django_db


def test_delete_account_anonymises_and_removes_ratings(
    citizen, other_citizen, project, dortmund, client
):
    comment_service.post(citizen, project, dortmund, "Mein Beitrag")
    rating_service.rate(citizen, project, dortmund, 5)
    rating_service.rate(other_citizen, project, dortmund, 1)
    exported = export_user_data(citizen)["data"]["participation"]
    assert (
        exported["comments"][0]["body"] == "Mein Beitrag" and exported["ratings"][0]["stars"] == 5
    )
    delete_account(citizen)
    comment = Comment.objects.get()
    assert comment.author is None and comment.body == "Mein Beitrag"
    summary = rating_service.summary(project)
    assert (summary.count, summary.total) == (1, 1)
    page = client.get(
        reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
    )
    assert "ehemalige/r Teilnehmende/r" in page.content.decode()


def test_addresses_purged_after_seven_days():
    limits.check("comment", address="198.51.100.7")
    old = AbuseRecord.objects.create(action="rating", address="198.51.100.8")
    AbuseRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert limits.purge_addresses() == 1
    assert list(AbuseRecord.objects.values_list("address", flat=True)) == ["198.51.100.7"]


def test_unconfirmed_ideas_deleted_once_the_link_expired(dortmund):
    data = {"title": "Bank", "description": "Bitte", "email": "a@example.org", "consent": True}
    stale = idea_service.submit(dortmund, data)
    fresh = idea_service.submit(dortmund, {**data, "title": "Neu"})
    confirmed = idea_service.submit(dortmund, {**data, "title": "Bestätigt"})
    eight_days_ago = timezone.now() - timedelta(days=8)
    Idea.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(created_at=eight_days_ago)
    Idea.objects.filter(pk=confirmed.pk).update(status=IdeaStatus.RECEIVED)
    assert jobs.purge_unconfirmed() == 1
    assert set(Idea.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


def test_periodic_jobs_are_declared():
    from smartcity.core.tasks import periodic_jobs

    assert "participation-purge-addresses" in periodic_jobs
    assert "participation-moderators-digest" in periodic_jobs
    assert "participation-purge-unconfirmed-ideas" in periodic_jobs


def test_digest_goes_to_each_moderator_when_queue_not_empty(moderator, citizen, project, dortmund):
    assert jobs.moderators_digest() == 0
    comment = comment_service.post(citizen, project, dortmund, "x")
    Comment.objects.filter(pk=comment.pk).update(needs_review=True)
    assert jobs.moderators_digest() == 1


def test_one_click_unsubscribe(client, citizen):
    url = notify.unsubscribe_url(citizen)
    assert client.get(url).status_code == 200
    assert NotificationPreference.objects.filter(user=citizen, by_email=False).count() == 0
    client.post(url)
    assert NotificationPreference.objects.get(user=citizen).by_email is False
    bad = reverse("participation:unsubscribe", kwargs={"token": signing.dumps({"u": 1})})
    assert client.post(bad).status_code == 404


def test_map_layer_lists_only_public_ideas_with_location(dortmund):
    layer = map_layers["ideas"]
    data = {
        "title": "Baum",
        "description": "Bitte",
        "email": "a@example.org",
        "consent": True,
        "longitude": 7.46,
        "latitude": 51.51,
    }
    public = idea_service.submit(dortmund, data)
    hidden = idea_service.submit(dortmund, {**data, "title": "Geheim"})
    Idea.objects.filter(pk=public.pk).update(status=IdeaStatus.IN_REVIEW)
    features = list(layer.features(dortmund, MapFilters()))
    assert [f["properties"]["id"] for f in features] == [public.pk]
    assert features[0]["geometry"]["coordinates"] == [7.46, 51.51]
    assert hidden.pk not in [f["properties"]["id"] for f in features]
    assert list(layer.features(dortmund, MapFilters(q="geheim"))) == []


def test_demo_is_idempotent(cities):
    from smartcity.participation.demo import load

    load()
    load()
    assert Idea.objects.count() == 3


def test_ideas_in_the_city_navigation(client, cities):
    html = client.get("/dortmund/ideen/").content.decode()
    assert 'href="/dortmund/ideen/"' in html
