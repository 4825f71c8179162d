import pytest

from smartcity.accounts.models import Membership, User
from smartcity.core.tokens import create_token
from smartcity.portfolio.models import MapEntry, Project, ProjectChange


@pytest.fixture
def editor_token(demo):
    user = User.objects.create_user("redaktion", "redaktion@example.org", "x")
    Membership.objects.create(user=user, city=demo["dortmund"], role="editor")
    return create_token(user, "portfolio:write")[1]


@pytest.fixture
def citizen_token(demo):
    user = User.objects.create_user("buerger", "buerger@example.org", "x")
    return create_token(user, "admin")[1]


def post(client, token, payload):
    return client.post(
        "/api/v1/projects/",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


PAYLOAD = {
    "code": "IM 07",
    "title": "Smarte Ampeln",
    "summary": "Ampeln, die mitdenken.",
    "cities": ["dortmund"],
    "action_fields": ["intelligente-mobilitaet"],
    "status": "pilot",
    "location": {"type": "Point", "coordinates": [7.47, 51.51]},
    "partners": [{"partner": "cisco", "role": "partner"}],
    "tags": ["Verkehr"],
    "description": "<p>Gut<script>x</script></p>",
}


def test_editor_creates_a_project_that_appears_on_the_map(client, editor_token):
    response = post(client, editor_token, PAYLOAD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partners"][0]["slug"] == "cisco" and body["tags"] == ["Verkehr"]
    assert "script" not in body["description"]
    project = Project.objects.get(pk=body["id"])
    assert MapEntry.objects.filter(layer="projects", object_id=project.pk).exists()
    assert ProjectChange.objects.filter(project=project).count() == 1


def test_patch_changes_only_sent_fields(client, editor_token):
    project_id = post(client, editor_token, PAYLOAD).json()["id"]
    response = client.patch(
        f"/api/v1/projects/{project_id}",
        {"status": "in_operation"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {editor_token}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_operation"
    assert response.json()["title"] == "Smarte Ampeln"


def test_writes_need_a_token_and_an_editor(client, citizen_token, editor_token):
    assert post(client, "", PAYLOAD).status_code == 401
    assert post(client, citizen_token, PAYLOAD).status_code == 403
    # an editor of Dortmund is not one of Schwerte
    assert post(client, editor_token, {**PAYLOAD, "cities": ["schwerte"]}).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"location": {"type": "Point", "coordinates": [700, 51]}}, "location"),
        ({"status": "vielleicht"}, "status"),
        ({"action_fields": ["nope"]}, "action_fields"),
        ({"partners": [{"partner": "nope", "role": "lead"}]}, "partners"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, editor_token, change, field):
    before = Project.objects.count()
    response = post(client, editor_token, {**PAYLOAD, **change})
    assert response.status_code == 400, response.content
    assert any(name.startswith(field) for name in response.json()["error"]["fields"])
    assert Project.objects.count() == before


def test_a_token_without_the_portfolio_scope_cannot_write(client, demo):
    user = User.objects.create_user("sensorik", "sensorik@example.org", "x")
    Membership.objects.create(user=user, city=demo["dortmund"], role="editor")
    token = create_token(user, "sta:write")[1]
    response = post(client, token, PAYLOAD)
    assert response.status_code == 401
    assert not Project.objects.filter(code="IM 07").exists()
