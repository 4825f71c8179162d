import io

import pytest
from PIL import Image

from smartcity.accounts.models import Membership, User
from smartcity.portfolio.models import MapEntry, Project, ProjectChange, Review
from smartcity.portfolio.services import review


@pytest.fixture
def partner(demo):
    user = User.objects.create_user("partner", "partner@example.org", "x")
    Membership.objects.create(user=user, city=demo["dortmund"], role="partner")
    return user


@pytest.fixture
def editor(demo):
    user = User.objects.create_user("editor", "editor@example.org", "x")
    Membership.objects.create(user=user, city=demo["dortmund"], role="editor")
    return user


def form_data(demo, **extra):
    from smartcity.portfolio.models import ActionField

    return {
        "title": "Solarbänke",
        "summary": "Bänke mit Solarzellen.",
        "kind": "partner_pilot",
        "status": "pilot",
        "city": demo["dortmund"].pk,
        "action_fields": [ActionField.objects.get(slug="energie-und-umwelt").pk],
        "latitude": "51.51",
        "longitude": "7.46",
        **extra,
    }


def jpeg_with_exif():
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "Geheime Kamera"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = "bank.jpg"
    return buffer


def test_partner_submits_and_it_waits_for_review(client, demo, partner, mailoutbox):
    client.force_login(partner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/einreichen/neu/", form_data(demo))
    assert response.status_code == 302
    project = Project.objects.get(title="Solarbänke")
    assert project.review == Review.SUBMITTED and project.submitted_by == partner
    assert not MapEntry.objects.filter(object_id=project.pk, layer="pilots").exists()
    assert client.get(f"/dortmund/projekte/{project.slug}/").status_code == 200  # own
    client.logout()
    assert client.get(f"/dortmund/projekte/{project.slug}/").status_code == 404


def test_uploaded_image_is_checked_and_stripped(client, demo, partner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(partner, backend="django.contrib.auth.backends.ModelBackend")
    data = form_data(
        demo,
        image=jpeg_with_exif(),
        image_alt_text="Eine Bank",
        image_credit="Foto: Partner, CC BY 4.0",
    )
    assert client.post("/einreichen/neu/", data).status_code == 302
    stored = Project.objects.get(title="Solarbänke").images.get()
    with Image.open(stored.image.path) as image:
        assert not image.getexif()
    not_an_image = io.BytesIO(b"%PDF-1.4 nope")
    not_an_image.name = "bank.jpg"
    response = client.post(
        "/einreichen/neu/",
        form_data(demo, image=not_an_image, image_alt_text="x", image_credit="y"),
    )
    assert response.status_code == 400
    assert "image" in response.context["form"].errors


def test_bad_submission_names_fields_and_writes_nothing(client, demo, partner):
    client.force_login(partner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/einreichen/neu/", form_data(demo, latitude="51.5", longitude=""))
    assert response.status_code == 400
    assert "longitude" in response.context["form"].errors
    assert not Project.objects.filter(title="Solarbänke").exists()


def test_citizens_may_not_submit_or_review(client, demo):
    user = User.objects.create_user("citizen", "c@example.org", "x")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/einreichen/neu/").status_code == 403
    assert client.get("/einreichen/pruefen/").status_code == 403


def test_partner_may_not_review(client, demo, partner):
    project = Project.objects.create(title="X", summary="Y", review=Review.SUBMITTED)
    project.cities.add(demo["dortmund"])
    client.force_login(partner, backend="django.contrib.auth.backends.ModelBackend")
    assert (
        client.post(f"/einreichen/pruefen/{project.pk}/", {"decision": "accept"}).status_code == 403
    )
    project.refresh_from_db()
    assert project.review == Review.SUBMITTED


@pytest.mark.parametrize(
    ("decision", "state"),
    [
        ("accept", Review.PUBLISHED),
        ("changes", Review.CHANGES_REQUESTED),
        ("decline", Review.DECLINED),
    ],
)
def test_decisions(demo, partner, editor, decision, state, django_capture_on_commit_callbacks):
    project = Project.objects.create(
        title="X", summary="Y", review=Review.SUBMITTED, submitted_by=partner
    )
    project.cities.add(demo["dortmund"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review.decide(project, editor, decision, "Begründung")
    assert project.review == state
    assert len(callbacks) == 1  # the e-mail to the submitter, queued after commit
    assert ProjectChange.objects.filter(project=project, user=editor).exists()
    on_map = MapEntry.objects.filter(layer="projects", object_id=project.pk).exists()
    assert on_map == (state == Review.PUBLISHED)


def test_decline_needs_a_reason_and_published_cannot_be_reviewed(demo, editor):
    project = Project.objects.create(title="X", summary="Y", review=Review.SUBMITTED)
    with pytest.raises(review.ReviewError):
        review.decide(project, editor, "decline", "  ")
    review.decide(project, editor, "accept")
    with pytest.raises(review.ReviewError):
        review.decide(project, editor, "decline", "zu spät")
