"""The open data portal in a real browser: search with facets, the dataset page's previews
(table with paging, chart, map with a list) and WCAG 2.1 AA on these pages."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def catalogue(cities):
    from smartcity.opendata import demo

    demo.load()


def _no_wcag_violations(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [
        (item["id"], [node["target"] for node in item["nodes"]]) for item in violations
    ]


def test_search_with_facets(page, catalogue):
    page.goto("/daten/")
    page.get_by_label("Suchbegriff").fill("Bäume")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="2 Datensätze")).to_be_visible()
    expect(page.get_by_role("link", name="Straßenbäume Schwerte")).to_be_visible()
    page.locator(".od-facets").get_by_role("link", name="Schwerte", exact=True).click()
    expect(page.get_by_role("heading", name="1 Datensatz")).to_be_visible()
    expect(page.get_by_role("link", name="Baumkataster Dortmund")).to_have_count(0)
    _no_wcag_violations(page)


def test_table_preview_pages(page, catalogue):
    page.goto("/daten/baumkataster-dortmund/")
    table = page.locator(".od-table")
    expect(table.locator("caption")).to_contain_text("120 Zeilen")
    expect(table.locator("th").nth(2)).to_contain_text("Ganzzahl")
    expect(table.locator("tbody tr").first).to_contain_text("DO-00001")
    page.get_by_role("button", name="Nächste Seite").click()
    expect(table.locator("tbody tr").first).to_contain_text("DO-00026")
    _no_wcag_violations(page)


def test_chart_and_map_previews_with_text_alternatives(page, live_server, catalogue):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/daten/luftqualitaet-messstationen/")
    expect(page.locator(".od-chart canvas")).to_have_attribute("role", "img")
    expect(page.locator(".od-table caption")).to_contain_text("96 Zeilen")
    page.goto("/daten/spielplaetze-dortmund/")
    expect(page.locator(".od-feature-list li")).to_have_count(25)
    expect(page.locator(".od-map .leaflet-interactive").first).to_be_attached()
    _no_wcag_violations(page)
    # A dataset the platform publishes itself: districts with their boundaries.
    page.goto("/daten/dortmund-stadtbezirke/")
    expect(page.locator(".od-preview[data-kind=map] .od-feature-list li")).to_have_count(12)
    expect(page.locator(".od-preview[data-kind=table] .od-table caption")).to_contain_text(
        "12 Zeilen"
    )
    own = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requests if url.startswith("http")} == {own}
