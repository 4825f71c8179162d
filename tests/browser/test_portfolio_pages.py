"""Project, partner and map pages in a real browser: the indicator chart with its table,
no WCAG 2.1 AA violations (axe-core), nothing loaded from other hosts."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(cities):
    from smartcity.portfolio.demo import load

    load()
    return cities


def project_path(code):
    from smartcity.portfolio.models import Project

    project = Project.objects.get(code=code)
    return f"/{project.cities.first().slug}/projekte/{project.slug}/"


def test_project_page_shows_indicator_chart_and_table(page, programme):
    page.goto(project_path("DP 03"))
    section = page.locator("section.indicator", has_text="Offene Datensätze")
    expect(section.locator("canvas[data-rendered=true]")).to_have_count(1)
    rows = section.locator("table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.last).to_contain_text("490")
    expect(section).to_contain_text("Ziel: 600")
    expect(page.locator("main")).to_contain_text("Stadt Dortmund")


def test_project_page_draws_its_line_on_a_small_map(page, programme):
    page.goto(project_path("RI 01"))
    expect(page.locator("#project-map[data-loaded=true]")).to_have_count(1)
    expect(page.locator("#project-map path.leaflet-interactive")).to_have_count(1)


SCREENS = [
    "/dortmund/karte/",
    "/karte/",
    "/karte/?action_field=unbekannt",
    "/dortmund/projekte/",
    "project:DP 03",
    "project:RI 01",
    "/partner/",
    "/partner/cisco/",
    "/handlungsfelder/",
    "/handlungsfelder/energie-und-umwelt/",
    "/expertenteams/daten-und-plattformen/",
    "/dortmund/orte/projektor/",
    "login:/einreichen/",
    "login:/einreichen/neu/",
]


def resolve(screen):
    if screen.startswith("project:"):
        return project_path(screen.split(":", 1)[1]), False
    if screen.startswith("login:"):
        return screen.split(":", 1)[1], True
    return screen, False


@pytest.fixture
def partner_user(user, programme):
    from smartcity.accounts.models import Membership

    Membership.objects.create(user=user, city=programme["dortmund"], role="partner")
    return user


@pytest.mark.parametrize("screen", SCREENS)
def test_page_has_no_wcag_violations(page, context, partner_user, live_server, screen):
    path, needs_login = resolve(screen)
    if needs_login:
        log_in(context, partner_user, live_server)
    response = page.goto(path)
    assert response.status in (200, 400)
    if page.locator("#map").count():
        expect(page.locator("#map[data-loaded=true]")).to_have_count(1)
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, f"WCAG violations on {path}:\n" + describe(violations)


def test_portfolio_pages_load_nothing_from_other_hosts(context, partner_user, live_server):
    requests, refused = [], []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(context, partner_user, live_server)
    for screen in SCREENS:
        page.goto(resolve(screen)[0])
        if page.locator("#map").count():
            expect(page.locator("#map[data-loaded=true]")).to_have_count(1)
    own_host = urlsplit(live_server.url).netloc
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme != "data" and urlsplit(url).netloc != own_host
    ]
    assert not foreign, "Requests to other hosts:\n" + "\n".join(foreign)
    assert not refused, "Blocked by the CSP:\n" + "\n".join(refused)
