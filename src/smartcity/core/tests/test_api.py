import pytest

from smartcity.accounts.models import User
from smartcity.core import tokens


@pytest.fixture
def token_secret(db):
    user = User.objects.create_user("apiuser", "api@example.org", "pw-not-used-123")
    return tokens.create_token(user, "sta:write", name="tests")[1]


def test_openapi_document_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cities" in document["paths"]
    assert "bearer" in str(document["components"]["securitySchemes"]).lower()


def test_browsable_docs_use_our_own_assets(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_cities_are_paginated(client, cities):
    page = client.get("/api/v1/cities?page_size=1").json()
    assert page["count"] == 2
    assert [city["slug"] for city in page["results"]] == ["dortmund"]
    assert page["next"].startswith("http://testserver/api/v1/cities?")
    assert page["previous"] is None
    second = client.get(page["next"]).json()
    assert [city["municipality_key"] for city in second["results"]] == ["05978028"]
    assert second["next"] is None


def test_districts_of_dortmund(client, cities):
    page = client.get("/api/v1/cities/dortmund/districts?page_size=100").json()
    assert page["count"] == 12
    assert page["results"][7]["name"] == "Hörde"


def test_unknown_routes_answer_json_404(client, db):
    for path in ["/api/v1/nothing-here", "/api/v2/cities", "/api/v1/cities/atlantis"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"] == "not_found"


def test_validation_errors_name_the_field(client, cities):
    response = client.get("/api/v1/cities?page=0&page_size=many")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"page", "page_size"}


def test_token_auth(client, token_secret):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token_secret}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "apiuser",
        "token_name": "tests",
        "scopes": ["sta:write"],
    }


def test_wrong_missing_and_revoked_tokens_get_the_same_401(client, token_secret):
    from smartcity.core.models import ApiToken

    answers = []
    answers.append(client.get("/api/v1/me"))
    answers.append(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sc_wrong"))
    answers.append(client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic abc"))
    tokens.revoke_token(ApiToken.objects.get())
    answers.append(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token_secret}"))
    assert {response.status_code for response in answers} == {401}
    assert len({response.content for response in answers}) == 1
    assert answers[0]["WWW-Authenticate"].startswith("Bearer")


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
