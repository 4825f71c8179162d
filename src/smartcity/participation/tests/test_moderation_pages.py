import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from smartcity.participation.models import Comment, CommentStatus, ModerationDecision
from smartcity.participation.services import comments as comment_service
from smartcity.participation.services import ratings as rating_service
from smartcity.participation.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def queue_url(name="moderation", **kwargs):
    return reverse(f"participation:{name}", kwargs={"city": "dortmund", **kwargs})


def test_queue_only_for_moderators(client, citizen, moderator):
    client.force_login(citizen)
    assert client.get(queue_url()).status_code == 403
    client.force_login(moderator)
    assert client.get(queue_url()).status_code == 200


def test_bulk_hide_with_history_and_filter(client, citizen, moderator, project, dortmund):
    first = comment_service.post(citizen, project, dortmund, "eins")
    second = comment_service.post(citizen, project, dortmund, "zwei")
    Comment.objects.update(needs_review=True)
    reporter = make_user("melder")
    comment_service.report(reporter, first, "Spam")
    client.force_login(moderator)
    reported = client.get(queue_url(), {"filter": "reported"}).content.decode()
    assert "eins" in reported and "zwei" not in reported
    response = client.post(
        queue_url("decide"),
        {"comment": [first.pk, second.pk], "action": "hide", "reason": ""},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(status=CommentStatus.HIDDEN).count() == 0  # reason missing
    client.post(
        queue_url("decide"),
        {"comment": [first.pk, second.pk], "action": "hide", "reason": "Werbung"},
    )
    assert Comment.objects.filter(status=CommentStatus.HIDDEN, public_reason="Werbung").count() == 2
    assert ModerationDecision.objects.count() == 2
    history = client.get(queue_url("history")).content.decode()
    assert "Werbung" in history


def test_exports_csv_and_xlsx(client, editor, citizen, project, dortmund):
    comment_service.post(citizen, project, dortmund, '=HYPERLINK("http://evil")')
    rating_service.rate(citizen, project, dortmund, 3)
    client.force_login(citizen)
    assert client.get(queue_url("export", kind="kommentare", fmt="csv")).status_code == 403
    client.force_login(editor)
    csv_text = client.get(queue_url("export", kind="kommentare", fmt="csv")).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv_text  # formulas neutralised
    xlsx = client.get(queue_url("export", kind="bewertungen", fmt="xlsx")).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [cell.value for cell in sheet[2]][2] == 3
    assert client.get(queue_url("export", kind="ideen", fmt="pdf")).status_code == 404


def test_project_page_query_count_does_not_grow_with_comments(client, project, dortmund):
    authors = [make_user(f"autor{n}") for n in range(6)]

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
            )
        assert response.status_code == 200
        return len(captured)

    top = comment_service.post(authors[0], project, dortmund, "erster")
    comment_service.post(authors[1], project, dortmund, "antwort", parent=top)
    few = count_queries()
    for author in authors[2:]:
        parent = comment_service.post(author, project, dortmund, "mehr")
        comment_service.post(authors[0], project, dortmund, "noch eine", parent=parent)
    assert count_queries() == few


def test_fragment_for_the_project_page(client, project):
    response = client.get(
        reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"}),
        {"fragment": "1"},
    )
    html = response.content.decode()
    assert 'id="participation-heading"' in html and "<html" not in html


def test_the_project_page_shows_the_participation_section(client, project, dortmund):
    # Registered as a page section: the portfolio's project page never imports participation.
    html = client.get(f"/dortmund/projekte/{project.slug}/").content.decode()
    assert 'id="participation-heading"' in html
    assert "Noch keine Bewertungen." in html and "Noch keine Kommentare." in html


def test_author_edits_on_the_page(client, citizen, project, dortmund):
    comment = comment_service.post(citizen, project, dortmund, "Tippfeler")
    client.force_login(citizen)
    page_url = reverse("participation:project", kwargs={"city": "dortmund", "key": "laternen"})
    assert f'id="edit-{comment.pk}"' in client.get(page_url).content.decode()
    client.post(
        reverse("participation:edit", kwargs={"pk": comment.pk}),
        {"body": "Tippfehler", "next": page_url},
    )
    comment.refresh_from_db()
    assert comment.body == "Tippfehler" and comment.edited_at


def test_moderator_sees_and_resolves_rating_burst(client, moderator, project, dortmund):
    for number in range(rating_service.BURST_COUNT):
        rating_service.rate(make_user(f"neu{number}"), project, dortmund, 5)
    client.force_login(moderator)
    html = client.get(queue_url()).content.decode()
    assert "Auffällige Bewertungen" in html and "Smarte Laternen" in html
    from smartcity.participation.models import RatingFlag

    flag = RatingFlag.objects.get()
    client.post(queue_url("resolve_flag", pk=flag.pk))
    flag.refresh_from_db()
    assert flag.resolved
    assert "Smarte Laternen" not in client.get(queue_url()).content.decode()
