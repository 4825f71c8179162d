import pytest

from smartcity.core.tokens import create_token
from smartcity.participation.models import Comment, Idea, IdeaStatus, Rating
from smartcity.participation.services import comments as comment_service

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = create_token(user, ["admin"], name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_project_comments_read_and_write(client, citizen, unverified, project):
    url = f"/api/v1/projects/{project.pk}/comments"
    response = client.post(url, {"body": "Hallo"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"]
    response = client.post(
        url, {"body": "Hallo"}, content_type="application/json", **bearer(unverified)
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    response = client.post(
        url,
        {"body": "<script>x</script>Hallo <em>Welt</em>"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert response.status_code == 201
    created = response.json()
    assert "<script" not in created["body_html"] and "<em>Welt</em>" in created["body_html"]
    response = client.post(
        url,
        {"body": "Antwort", "parent": created["id"]},
        content_type="application/json",
        **bearer(citizen),
    )
    assert response.json()["parent"] == created["id"]
    listing = client.get(url).json()
    assert listing["count"] == 1
    assert listing["results"][0]["replies"][0]["body_html"] == "Antwort"


def test_oversized_comment_names_field(client, citizen, project):
    response = client.post(
        f"/api/v1/projects/{project.pk}/comments",
        {"body": "x" * 5001},
        content_type="application/json",
        **bearer(citizen),
    )
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]
    assert not Comment.objects.exists()


def test_rating_endpoints(client, citizen, project):
    url = f"/api/v1/projects/{project.pk}/rating"
    assert client.get(url).json()["count"] == 0
    response = client.put(url, {"stars": 9}, content_type="application/json", **bearer(citizen))
    assert response.status_code == 400 and "stars" in response.json()["error"]["fields"]
    response = client.put(url, {"stars": 4}, content_type="application/json", **bearer(citizen))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["average"] == 4.0 and body["own"] == 4
    assert body["distribution"]["4"] == 1
    client.put(url, {"stars": 2}, content_type="application/json", **bearer(citizen))
    assert Rating.objects.get().stars == 2
    response = client.delete(url, **bearer(citizen))
    assert response.json()["count"] == 0


def test_ideas_create_list_show(client, dortmund, citizen):
    payload = {
        "city": "dortmund",
        "title": "Wasserspender",
        "description": "<a href='javascript:x()'>hier</a>",
        "email": "a@example.org",
        "consent": True,
    }
    response = client.post(
        "/api/v1/ideas/", {**payload, "consent": False}, content_type="application/json"
    )
    assert response.status_code == 400 and "consent" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/ideas/", {**payload, "website": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post("/api/v1/ideas/", payload, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert "javascript" not in created["description_html"]
    assert "email" not in created and "a@example.org" not in response.content.decode()
    assert client.get(f"/api/v1/ideas/{created['id']}").status_code == 404  # unconfirmed
    Idea.objects.filter(pk=created["id"]).update(status=IdeaStatus.IN_REVIEW)
    shown = client.get(f"/api/v1/ideas/{created['id']}").json()
    assert shown["title"] == "Wasserspender" and shown["city"] == "dortmund"
    listing = client.get("/api/v1/ideas/?city=dortmund&q=wasserspend").json()
    assert [item["id"] for item in listing["results"]] == [created["id"]]
    assert client.get("/api/v1/ideas/?q=fahrrad").json()["count"] == 0
    assert client.get("/api/v1/ideas/?status=in_review").json()["count"] == 1
    url = f"/api/v1/ideas/{created['id']}/comments"
    response = client.post(
        url, {"body": "Gern"}, content_type="application/json", **bearer(citizen)
    )
    assert response.status_code == 201
    assert client.get(url).json()["count"] == 1


def test_api_rate_limit_same_as_web(client, citizen, project):
    url = f"/api/v1/projects/{project.pk}/comments"
    headers = bearer(citizen)
    for number in range(10):
        comment_service.post(citizen, project, project.cities.first(), f"k{number}")
    response = client.post(url, {"body": "zu viel"}, content_type="application/json", **headers)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_openapi_documents_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/projects/{project_id}/comments",
        "/api/v1/projects/{project_id}/rating",
        "/api/v1/ideas/",
        "/api/v1/ideas/{idea_id}",
        "/api/v1/ideas/{idea_id}/comments",
    ):
        assert path in paths
