"""The project map in a real browser: filters, list and markers agree, the URL restores
the view, list and map highlight each other, and 20,000 markers still load (clustered)."""

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(cities):
    from smartcity.portfolio.demo import load

    load()
    hoerde = cities["dortmund"].districts.get(slug="hoerde")
    hoerde.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[7.48, 51.46], [7.53, 51.46], [7.53, 51.50], [7.48, 51.50], [7.48, 51.46]]
        ],
    }
    hoerde.save()
    from smartcity.portfolio.models import ActionField, Project

    for title, lon in (("Sensorik am Phoenix-See", 7.50), ("Smarte Laternen Hörde", 7.51)):
        project = Project.objects.create(
            title=title,
            summary="Ein Projekt in Hörde.",
            status="pilot",
            location={"type": "Point", "coordinates": [lon, 51.49]},
        )
        project.cities.add(cities["dortmund"])
        project.action_fields.add(ActionField.objects.get(slug="energie-und-umwelt"))
    return cities


def wait_for_markers(page):
    expect(page.locator("#map[data-loaded=true]")).to_have_count(1)
    return int(page.locator("#map").get_attribute("data-marker-count"))


def test_filter_by_action_field_and_district_list_and_markers_agree(page, programme):
    page.goto("/dortmund/karte/")
    wait_for_markers(page)
    page.get_by_role("group", name="Handlungsfeld").get_by_label("Energie und Umwelt").check()
    districts = page.get_by_role("group", name="Stadtbezirk", exact=True)
    districts.get_by_text("Stadtbezirke auswählen").click()
    districts.get_by_label("Hörde").check()
    page.get_by_role("button", name="Filter anwenden").click()
    assert "action_field=energie-und-umwelt" in page.url and "district=hoerde" in page.url
    items = page.locator("#feature-list .feature-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Sensorik am Phoenix-See")
    markers = wait_for_markers(page)
    assert markers == page.locator("#feature-list .show-on-map").count() == 2
    # one translated sentence from the page, the number filled in by map.js
    expect(page.locator("#map-status")).to_have_text("2 Einträge auf der Karte.")
    # The same two as markers (clustered or not, each has its title).
    page.evaluate("window.SmartCityMap.map.setZoom(17)")
    expect(page.locator(".leaflet-marker-icon[title='Smarte Laternen Hörde']")).to_have_count(1)


def test_several_statuses_at_once_list_and_markers_agree(page, programme):
    from smartcity.portfolio.models import Project

    planned = Project.objects.create(
        title="Geplante Ladesäule Hörde",
        summary="Noch in Planung.",
        status="planned",
        location={"type": "Point", "coordinates": [7.49, 51.48]},
    )
    planned.cities.add(programme["dortmund"])
    page.goto("/dortmund/karte/?district=hoerde")
    wait_for_markers(page)
    statuses = page.get_by_role("group", name="Stand")
    statuses.get_by_label("Pilotbetrieb").check()
    statuses.get_by_label("geplant", exact=True).check()
    page.get_by_role("button", name="Filter anwenden").click()
    assert "status=planned" in page.url and "status=pilot" in page.url
    items = page.locator("#feature-list .feature-item")
    expect(items).to_have_count(3)
    expect(page.locator("#feature-list")).to_contain_text("Geplante Ladesäule Hörde")
    assert wait_for_markers(page) == 3
    expect(page.get_by_role("group", name="Stand").get_by_label("Pilotbetrieb")).to_be_checked()


def test_several_districts_and_partners_list_and_markers_agree(page, programme):
    from smartcity.portfolio.models import Partner, Project, ProjectPartner

    eving = programme["dortmund"].districts.get(slug="eving")
    eving.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[7.44, 51.54], [7.50, 51.54], [7.50, 51.58], [7.44, 51.58], [7.44, 51.54]]
        ],
    }
    eving.save()
    north = Project.objects.create(
        title="Smarte Bank in Eving",
        summary="Ein Projekt in Eving.",
        status="pilot",
        location={"type": "Point", "coordinates": [7.47, 51.56]},
    )
    north.cities.add(programme["dortmund"])
    page.goto("/dortmund/karte/")
    wait_for_markers(page)
    districts = page.get_by_role("group", name="Stadtbezirk", exact=True)
    districts.get_by_text("Stadtbezirke auswählen").click()
    districts.get_by_label("Hörde").check()
    districts.get_by_label("Eving").check()
    page.get_by_role("button", name="Filter anwenden").click()
    assert "district=hoerde" in page.url and "district=eving" in page.url
    items = page.locator("#feature-list .feature-item")
    expect(items).to_have_count(3)
    expect(page.locator("#feature-list")).to_contain_text("Smarte Bank in Eving")
    assert wait_for_markers(page) == page.locator("#feature-list .show-on-map").count() == 3
    # The choices stay checked (the URL keeps the state) and the group stays open.
    expect(districts.get_by_label("Eving")).to_be_checked()
    expect(districts.get_by_label("Hörde")).to_be_checked()

    # Two partners: the projects of either.
    first, second = Partner.objects.filter(is_demo=True)[:2]
    ProjectPartner.objects.create(project=north, partner=first, role="partner")
    hoerde_project = Project.objects.get(title="Sensorik am Phoenix-See")
    ProjectPartner.objects.create(project=hoerde_project, partner=second, role="partner")
    page.goto(f"/dortmund/karte/?partner={first.slug}&partner={second.slug}")
    partners = page.get_by_role("group", name="Partner", exact=True)
    expect(partners.get_by_label(first.name, exact=True)).to_be_checked()
    expect(partners.get_by_label(second.name, exact=True)).to_be_checked()
    listed = page.locator("#feature-list")
    expect(listed).to_contain_text("Smarte Bank in Eving")
    expect(listed).to_contain_text("Sensorik am Phoenix-See")
    mapped = page.locator("#feature-list .show-on-map").count()
    assert wait_for_markers(page) == mapped


def test_the_url_restores_the_view(page, programme):
    page.goto(
        "/dortmund/karte/?action_field=energie-und-umwelt&district=hoerde#15/51.49000/7.50500"
    )
    wait_for_markers(page)
    fields = page.get_by_role("group", name="Handlungsfeld")
    expect(fields.get_by_label("Energie und Umwelt")).to_be_checked()
    expect(fields.get_by_label("Intelligente Mobilität")).not_to_be_checked()
    districts = page.get_by_role("group", name="Stadtbezirk", exact=True)
    expect(districts.get_by_label("Hörde", exact=True)).to_be_checked()
    center = page.evaluate(
        "[window.SmartCityMap.map.getZoom(), window.SmartCityMap.map.getCenter()]"
    )
    assert center[0] == 15
    assert abs(center[1]["lat"] - 51.49) < 0.001 and abs(center[1]["lng"] - 7.505) < 0.001
    # Moving the map writes the position into the URL, so it can be shared.
    page.evaluate("window.SmartCityMap.map.setView([51.4950, 7.5100], 14)")
    page.wait_for_function("() => window.location.hash.startsWith('#14/51.495')")
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    wait_for_markers(other)
    assert other.evaluate("window.SmartCityMap.map.getZoom()") == 14
    expect(other.locator("#feature-list .feature-item")).to_have_count(2)


def test_selecting_in_the_list_highlights_on_the_map_and_back(page, programme):
    page.goto("/dortmund/karte/?district=hoerde")
    wait_for_markers(page)
    entry = page.locator("#feature-list .feature-item", has_text="Smarte Laternen Hörde")
    entry.get_by_role("button", name="Auf der Karte zeigen").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Smarte Laternen Hörde")
    selected = page.locator("#feature-list [aria-current=true]")
    expect(selected).to_contain_text("Smarte Laternen Hörde")
    # Choosing the other marker selects its list entry.
    page.evaluate("() => window.SmartCityMap.map.setZoom(15, { animate: false })")
    page.locator(".leaflet-marker-icon[title='Sensorik am Phoenix-See']").dispatch_event("click")
    expect(selected).to_contain_text("Sensorik am Phoenix-See")


def test_lines_areas_and_city_wide_projects(page, programme):
    page.goto("/dortmund/karte/?layer=projects,pilots")
    wait_for_markers(page)
    # Brückensensorik is a line, the harbour pilot an area: drawn as paths, not markers.
    assert page.locator("path.leaflet-interactive").count() >= 2
    city_wide = page.locator("#feature-list .feature-item", has_text="Open-Data-Portal")
    expect(city_wide).to_contain_text("stadtweit, ohne Ort auf der Karte")
    expect(city_wide.locator(".show-on-map")).to_have_count(0)


def test_tiles_load_only_after_consent_which_is_remembered(page, programme, live_server):
    foreign = []
    page.on(
        "request",
        lambda request: foreign.append(request.url) if "openstreetmap" in request.url else None,
    )
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto("/dortmund/karte/")
    wait_for_markers(page)
    assert foreign == []
    page.get_by_role("button", name="Karte laden").click()
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile').length > 0")
    assert foreign, "no tile was requested after consent"
    page.reload()
    wait_for_markers(page)
    expect(page.get_by_role("button", name="Karte laden")).to_be_hidden()
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile').length > 0")


def test_twenty_thousand_markers_load_clustered(page, cities):
    from bench.portfolio.fixtures import create_map_entries

    create_map_entries(20_000, cities["dortmund"])
    started = time.monotonic()
    page.goto("/dortmund/karte/?layer=projects")
    assert wait_for_markers(page) == 20_000
    elapsed = time.monotonic() - started
    # Clustering: far fewer marker elements in the page than features.
    assert page.locator(".leaflet-marker-icon").count() < 2_000
    print(f"\n20,000 markers: page ready after {elapsed:.1f} s")
