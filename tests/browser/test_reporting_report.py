"""The status report in a real browser: charts drawn from our own static files, a project
link that leads to the project page, and no WCAG 2.1 AA violations (axe-core)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_report(cities):
    from smartcity.portfolio.demo import load as load_portfolio
    from smartcity.reporting.demo import load as load_reports

    load_portfolio()
    load_reports()
    return "/dortmund/bericht/2025/"


def test_report_opens_and_leads_to_a_project(page, demo_report, live_server):
    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(demo_report)
    expect(page.locator("h1")).to_contain_text("Sachstandsbericht 2025")
    expect(page.locator("#status-chart[data-rendered=true]")).to_have_count(1)
    expect(page.locator("#budget-chart[data-rendered=true]")).to_have_count(1)
    expect(page.locator("#milestone-chart[data-rendered=true]")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Veränderungen seit dem letzten Bericht")
    # The project map, markers without background tiles until the visitor agrees.
    expect(page.locator("#report-map[data-loaded=true]")).to_have_count(1)
    expect(page.locator("#report-map .leaflet-interactive").first).to_be_visible()

    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, "axe found WCAG 2.1 AA violations:\n" + describe(violations)

    link = page.locator("article.report-entry h3 a").first
    title = link.inner_text().split("–")[-1].strip()
    link.click()
    expect(page.locator("h1")).to_contain_text(title)
    assert "/projekte/" in urlsplit(page.url).path
    assert not foreign, f"requests to other hosts: {foreign}"


def test_report_pdf_is_served(page, demo_report):
    response = page.request.get(demo_report + "pdf/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_editor_entry_form_is_accessible_and_names_the_bad_field(
    page, demo_report, user, context, live_server
):
    from smartcity.accounts.models import Membership
    from smartcity.core.models import City
    from smartcity.portfolio.models import Project

    Membership.objects.create(user=user, city=City.objects.get(slug="dortmund"), role="editor")
    log_in(context, user, live_server)
    project = Project.objects.filter(cities__slug="dortmund", is_demo=True).order_by("code")[0]
    page.goto(f"{demo_report}eintraege/{project.slug}/")
    expect(page.locator("h1")).to_contain_text(project.title)

    results = AXE.run(page, options=AXE_OPTIONS).response
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, "axe found WCAG 2.1 AA violations:\n" + describe(violations)

    page.get_by_label("Fortschritt (Prozent)").fill("150")
    page.get_by_role("button", name="Speichern").click()
    progress = page.get_by_label("Fortschritt (Prozent)")
    expect(progress).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-invalid")).to_contain_text("100")
