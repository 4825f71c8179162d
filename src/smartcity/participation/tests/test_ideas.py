import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_q.models import OrmQ
from PIL import Image

from smartcity.participation import forms
from smartcity.participation.models import Idea, IdeaStatus
from smartcity.participation.services import Refused
from smartcity.participation.services import ideas as service

pytestmark = pytest.mark.django_db

IDEA = {
    "title": "Mehr Bänke",
    "description": "Am Phoenix-See fehlen Bänke.",
    "email": "ideen@example.org",
    "consent": True,
}


def queued_mail_bodies() -> list[str]:
    return [str(task.task["args"]) for task in OrmQ.objects.all()]


def confirmation_token() -> str:
    bodies = " ".join(queued_mail_bodies())
    return re.search(r"/beteiligung/ideen/bestaetigen/([^/]+)/", bodies).group(1)


def test_submit_confirm_review_accept_notifies(dortmund, editor, project, client, after_commit):
    with after_commit():
        idea = service.submit(dortmund, dict(IDEA))
    assert idea.status == IdeaStatus.UNCONFIRMED
    response = client.get(
        reverse("participation:idea_confirm", kwargs={"token": confirmation_token()})
    )
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.RECEIVED and idea.confirmed_at
    assert client.get(idea.get_absolute_url()).status_code == 404  # not public yet
    service.change_status(editor, idea, IdeaStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        service.change_status(editor, idea, IdeaStatus.ACCEPTED)
    assert "project" in error.value.message_dict
    with after_commit():
        service.change_status(editor, idea, IdeaStatus.ACCEPTED, "Wird umgesetzt.", project=project)
    idea.refresh_from_db()
    assert idea.project == project and idea.public_answer == "Wird umgesetzt."
    assert "Wird umgesetzt." in " ".join(queued_mail_bodies())
    assert [c.to_status for c in idea.history.all()] == ["in_review", "accepted"]
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Wird umgesetzt." in page and "ideen@example.org" not in page


def test_bad_token_and_wrong_transition(dortmund, editor, citizen):
    idea = service.submit(dortmund, dict(IDEA))
    assert service.confirm("kaputt") is None
    with pytest.raises(ValidationError):
        service.change_status(editor, idea, IdeaStatus.ACCEPTED)  # still unconfirmed
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.RECEIVED)
    idea.refresh_from_db()
    with pytest.raises(Refused):
        service.change_status(citizen, idea, IdeaStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        service.change_status(editor, idea, IdeaStatus.DECLINED, "")
    assert "answer" in error.value.message_dict


def test_missing_fields_are_named(dortmund):
    with pytest.raises(ValidationError) as error:
        service.submit(dortmund, {"title": "x" * 151, "description": "", "email": "kaputt"})
    assert set(error.value.message_dict) == {"title", "description", "email", "consent"}
    assert not Idea.objects.exists()


def test_location_outside_city_rejected(dortmund):
    dortmund.boundary = {
        "type": "Polygon",
        "coordinates": [[[7.3, 51.4], [7.7, 51.4], [7.7, 51.6], [7.3, 51.6], [7.3, 51.4]]],
    }
    dortmund.save()
    with pytest.raises(ValidationError) as error:
        service.submit(dortmund, {**IDEA, "longitude": 13.4, "latitude": 52.5})
    assert "location" in error.value.message_dict


HOSTILE = "".join(
    ["<script>x()</script>", '<a href="javascript:x()">k</a>', "<b onmouseover=x()>b</b>"]
)


def test_hostile_description_is_neutralised(dortmund):
    idea = service.submit(
        dortmund,
        {
            **IDEA,
            "description": HOSTILE,
        },
    )
    html = idea.description_html.lower()
    assert "<script" not in html and "javascript:" not in html and "onmouseover" not in html


def _png(size=(10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def _form_data(**extra):
    import time

    from django.core import signing

    started = signing.dumps(time.time() - 10, salt=forms.TIME_TRAP_SALT)
    return {**IDEA, "consent": "on", "started": started, "website": "", **extra}


def test_web_form_without_account(client, dortmund):
    url = reverse("participation:idea_new", kwargs={"city": "dortmund"})
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("bank.png", _png(), content_type="image/png")
    response = client.post(url, {**_form_data(), "image": upload})
    assert response.status_code == 200 and "bestätigen" in response.content.decode()
    idea = Idea.objects.get()
    assert idea.image.name.endswith(".png")


def test_web_form_spam_traps(client, dortmund):
    url = reverse("participation:idea_new", kwargs={"city": "dortmund"})
    response = client.post(url, _form_data(website="http://spam.example"))
    assert "zu schnell" in response.content.decode()
    import time

    from django.core import signing

    now = signing.dumps(time.time(), salt=forms.TIME_TRAP_SALT)
    response = client.post(url, _form_data(started=now))
    assert "zu schnell" in response.content.decode()
    assert not Idea.objects.exists()


def test_web_form_rejects_non_image_and_rate_limits(client, dortmund):
    url = reverse("participation:idea_new", kwargs={"city": "dortmund"})
    fake = SimpleUploadedFile("x.png", b"<script>not an image</script>", content_type="image/png")
    response = client.post(url, {**_form_data(), "image": fake})
    assert response.status_code == 200 and not Idea.objects.exists()
    assert "field-invalid" in response.content.decode()
    for _number in range(5):
        client.post(url, _form_data())
    response = client.post(url, _form_data())
    assert "Zu viele Versuche" in response.content.decode()
    assert Idea.objects.count() == 5


def test_oversized_image_rejected_with_message(dortmund, monkeypatch):
    from smartcity.portfolio import images

    monkeypatch.setattr(images, "MAX_BYTES", 100)
    upload = SimpleUploadedFile("gross.png", _png((200, 200)), content_type="image/png")
    with pytest.raises(ValidationError) as error:
        service.submit(dortmund, dict(IDEA), image=upload)
    assert "image" in error.value.message_dict


def test_support_once_per_account(dortmund, citizen, client):
    idea = service.submit(dortmund, dict(IDEA))
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.IN_REVIEW)
    idea.refresh_from_db()
    assert service.support(citizen, idea)
    assert not service.support(citizen, idea)
    idea.refresh_from_db()
    assert idea.supports_count == 1
    listing = client.get(reverse("participation:ideas", kwargs={"city": "dortmund"}))
    assert "Mehr Bänke" in listing.content.decode()
    found = client.get(reverse("participation:ideas", kwargs={"city": "dortmund"}), {"q": "bank"})
    assert "Mehr Bänke" in found.content.decode()
    mail.outbox.clear()
