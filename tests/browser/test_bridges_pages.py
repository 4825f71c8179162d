"""Bridges in a real browser: the map layer, a bridge page with its charts and tables, the
engineers' view with spectrum, frequency trend and rainflow histogram; axe finds no WCAG 2.1 AA
violations."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS, FAIL_ON_REVIEW, describe

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_bridges(cities):
    from smartcity.bridges import demo
    from smartcity.bridges.models import Bridge

    demo.load()
    return {bridge.slug: bridge for bridge in Bridge.objects.all()}


def assert_accessible(page):
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]
    assert not violations, "axe found WCAG 2.1 AA violations:\n" + describe(violations)


def test_bridge_layer_on_the_map(page, demo_bridges):
    page.goto("/dortmund/karte/?layer=bridges")
    expect(page.locator("#map[data-loaded=true]")).to_have_count(1)
    items = page.locator("#feature-list .feature-item")
    expect(items).to_have_count(2)
    expect(items.filter(has_text=demo_bridges["sim-1"].name)).to_have_count(1)
    assert page.locator("path.leaflet-interactive").count() >= 2


def test_bridge_page_in_plain_language(page, demo_bridges, live_server):
    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    bridge = demo_bridges["sim-2"]
    page.goto(bridge.get_absolute_url())
    expect(page.locator("h1")).to_have_text(bridge.name)
    expect(page.locator(".bridge-condition")).to_contain_text("Ein Riss")
    expect(page.locator("canvas[data-rendered=true]")).to_have_count(4)
    page.locator("details.bridge-table summary").first.click()
    expect(page.locator("details.bridge-table table").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Woche").click()
    expect(page.locator("canvas[data-rendered=true]")).to_have_count(4)
    assert not foreign, f"requests to other hosts: {foreign}"


def test_engineer_view(context, page, demo_bridges, live_server, user):
    from smartcity.accounts.models import Membership
    from smartcity.accounts.roles import Role
    from smartcity.core.models import City

    Membership.objects.create(
        user=user, city=City.objects.get(slug="schwerte"), role=Role.DEPARTMENT
    )
    log_in(context, user, live_server)
    bridge = demo_bridges["sim-3"]
    page.goto(f"/schwerte/bruecken/{bridge.slug}/technik/")
    expect(page.locator("h1")).to_contain_text("Fachansicht")
    expect(page.locator("canvas[id^=spectrum-][data-rendered=true]")).to_have_count(1)
    expect(page.locator("canvas[id^=rainflow-][data-rendered=true]")).to_have_count(1)
    expect(page.locator("#meldungen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Eigenfrequenzen am Sensor A1")
    assert_accessible(page)
    page.get_by_role("button", name="Quittieren").first.click()
    expect(page.locator("main")).to_contain_text("quittiert von erika")
