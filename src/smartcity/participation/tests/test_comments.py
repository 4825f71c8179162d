from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from smartcity.participation.models import CityParticipation, Comment, CommentStatus, Notification
from smartcity.participation.services import Refused
from smartcity.participation.services import comments as service
from smartcity.participation.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_confirmed_user_comments_and_replies_one_level(
    citizen, other_citizen, project, dortmund, after_commit
):
    top = service.post(citizen, project, dortmund, "Gute Idee")
    with after_commit():
        reply = service.post(other_citizen, project, dortmund, "Finde ich auch", parent=top)
    nested = service.post(citizen, project, dortmund, "Danke", parent=reply)
    assert reply.parent == top
    assert nested.parent == top  # a reply to a reply joins the thread, no second level
    comments, total = service.thread(project)
    assert total == 1
    assert [c.pk for c in comments[0].replies.all()] == [reply.pk, nested.pk]
    note = Notification.objects.get(user=citizen)
    assert note.kind == Notification.Kind.REPLY


def test_unconfirmed_and_anonymous_cannot_comment(unverified, project, dortmund, client):
    with pytest.raises(Refused):
        service.post(unverified, project, dortmund, "Hallo")
    url = reverse("participation:project_comment", kwargs={"city": "dortmund", "key": "laternen"})
    response = client.post(url, {"body": "Hallo"})
    assert response.status_code == 302 and "/konto/" in response["Location"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>Text",
        '<img src=x onerror="alert(1)">Text',
        '<a href="javascript:alert(1)">Text</a>',
        '<a href="https://example.org" onclick="alert(1)">Text</a>',
        "<iframe src='https://evil.example'></iframe>Text",
    ],
)
def test_hostile_markup_is_neutralised(citizen, project, dortmund, client, hostile):
    comment = service.post(citizen, project, dortmund, hostile)
    html = comment.body_html.lower()
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert bad not in html
    assert "Text" in comment.body_html
    page = client.get(
        reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
    )
    assert b"alert(1)</script>" not in page.content
    assert b"javascript:alert" not in page.content


def test_light_formatting_is_kept(citizen, project, dortmund):
    comment = service.post(
        citizen,
        project,
        dortmund,
        '<em>wichtig</em><ul><li>eins</li></ul><a href="https://a.de">a</a>',
    )
    assert "<em>wichtig</em>" in comment.body_html
    assert "<li>eins</li>" in comment.body_html
    assert 'rel="nofollow noopener noreferrer ugc"' in comment.body_html


def test_oversized_text_is_rejected_with_field(citizen, project, dortmund):
    with pytest.raises(ValidationError) as error:
        service.post(citizen, project, dortmund, "x" * 5001)
    assert "body" in error.value.message_dict
    assert "5000" in error.value.message_dict["body"][0]


def test_edit_window_and_deleted_placeholder(citizen, other_citizen, project, dortmund, client):
    comment = service.post(citizen, project, dortmund, "Erste Fassung")
    service.edit(citizen, comment, "Zweite Fassung")
    assert comment.edited_at is not None
    with pytest.raises(Refused):
        service.edit(other_citizen, comment, "fremd")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    comment.refresh_from_db()
    with pytest.raises(Refused) as error:
        service.edit(citizen, comment, "zu spät")
    assert error.value.code == "edit_window_over"
    service.delete(citizen, comment)
    page = client.get(
        reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
    )
    assert "Kommentar gelöscht" in page.content.decode()
    assert "Zweite Fassung" not in page.content.decode()


def test_reports_hide_at_threshold_and_moderator_decides(
    citizen, project, dortmund, moderator, after_commit
):
    from smartcity.participation.services import moderation

    comment = service.post(citizen, project, dortmund, "Streitbar")
    reporters = [make_user(f"melder{i}") for i in range(3)]
    for reporter in reporters[:2]:
        service.report(reporter, comment, "beleidigend")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    with pytest.raises(Refused):
        service.report(reporters[0], comment, "nochmal")
    service.report(reporters[2], comment, "beleidigend")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN and comment.needs_review
    assert list(moderation.queue(dortmund)) == [comment]
    with pytest.raises(ValidationError):
        moderation.decide(moderator, comment, "hide", "")
    with pytest.raises(Refused):
        moderation.decide(citizen, comment, "approve")
    with after_commit():
        moderation.decide(moderator, comment, "block", "Beleidigung")
    comment.refresh_from_db()
    assert comment.public_reason == "Beleidigung" and not comment.needs_review
    assert citizen.participation_blocks.filter(city=dortmund).exists()
    with pytest.raises(Refused):
        service.post(citizen, project, dortmund, "wieder da")
    assert Notification.objects.filter(user=citizen, kind="moderation").exists()
    assert comment.decisions.count() == 1


def test_pre_moderation_keeps_comment_private(citizen, other_citizen, project, dortmund):
    CityParticipation.objects.create(city=dortmund, pre_moderation=True)
    comment = service.post(citizen, project, dortmund, "Vorab")
    assert comment.status == CommentStatus.PENDING
    assert service.thread(project, other_citizen)[1] == 0
    assert service.thread(project, citizen)[1] == 1  # the author sees it, marked as pending


def test_official_answer_needs_city_team(citizen, editor, project, dortmund, after_commit):
    top = service.post(citizen, project, dortmund, "Wann geht es los?")
    with pytest.raises(Refused):
        service.post(citizen, project, dortmund, "offiziell", parent=top, official=True)
    with after_commit():
        answer = service.post(editor, project, dortmund, "Im Mai.", parent=top, official=True)
    assert answer.is_official
    assert Notification.objects.get(user=citizen).kind == Notification.Kind.OFFICIAL


def test_comment_rate_limit_per_account(citizen, project, dortmund):
    for number in range(10):
        service.post(citizen, project, dortmund, f"Kommentar {number}")
    with pytest.raises(Refused) as error:
        service.post(citizen, project, dortmund, "einer zu viel")
    assert error.value.status == 429


def test_web_flow_comment_and_report(client, citizen, other_citizen, project):
    client.force_login(citizen)
    url = reverse("participation:project_comment", kwargs={"city": "dortmund", "key": "laternen"})
    response = client.post(url, {"body": "Über das Web"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    client.force_login(other_citizen)
    page = reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
    response = client.post(
        reverse("participation:report", kwargs={"pk": comment.pk}),
        {"reason": "Spam", "next": page},
    )
    assert response["Location"] == page
    assert comment.reports.get().reason == "Spam"
