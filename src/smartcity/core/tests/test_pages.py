import pytest

from smartcity.core.models import AccessibilityFeedback

PUBLIC_PAGES = [
    "/",
    "/dortmund/",
    "/schwerte/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/konto/login/",
    "/konto/signup/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_with_security_headers(client, cities, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_start_page_offers_both_cities(client, cities):
    html = client.get("/").content.decode()
    assert 'href="/dortmund/"' in html and 'href="/schwerte/"' in html


def test_city_home_lists_districts(client, cities):
    html = client.get("/dortmund/").content.decode()
    assert "Lütgendortmund" in html and "05913000" in html


def test_unknown_city_and_page_are_404(client, cities):
    assert client.get("/atlantis/").status_code == 404
    assert client.get("/a/b/c/").status_code == 404


def test_hsts_is_sent_in_production(client, cities, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_accessibility_feedback_is_stored(client, cities):
    response = client.post(
        "/barrierefreiheit/",
        {"page_url": "/dortmund/", "message": "Der Kontrast im Kopf ist zu schwach.", "email": ""},
    )
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().page_url == "/dortmund/"


def test_accessibility_feedback_errors_are_tied_to_fields(client, cities):
    response = client.post("/barrierefreiheit/", {"message": "", "email": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_message"' in html
    assert html.count('aria-invalid="true"') == 2
    assert not AccessibilityFeedback.objects.exists()


def test_forms_require_csrf(cities):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/barrierefreiheit/", {"message": "Hallo"})
    assert response.status_code == 403
    assert not AccessibilityFeedback.objects.exists()


def test_request_id_is_taken_from_the_proxy(client, cities):
    response = client.get("/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    response = client.get("/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert response["X-Request-ID"] != "bad id with spaces"
