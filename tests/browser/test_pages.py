"""The public pages in a real browser: content, navigation, styles and the language switch."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_start_page_lists_both_cities_and_links_work(page, live_server):
    css_responses = []
    page.on(
        "response",
        lambda response: css_responses.append(response) if response.url.endswith(".css") else None,
    )
    page.goto("/")

    expect(page).to_have_title(re.compile("Smart City Dortmund Schwerte"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    cards = page.locator(".card-list .card h3 a")
    expect(cards).to_have_text(["Dortmund", "Schwerte"])

    # The stylesheet comes from the live server and is applied (dark blue header).
    assert [response.status for response in css_responses] == [200]
    assert css_responses[0].url.startswith(live_server.url)
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(0, 61, 102)")

    cards.get_by_text("Schwerte").click()
    expect(page).to_have_url(f"{live_server.url}/schwerte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart City Schwerte")
    # The main navigation marks the city being shown.
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Schwerte")).to_have_attribute("aria-current", "page")

    nav.get_by_role("link", name="Dortmund").click()
    expect(page).to_have_url(f"{live_server.url}/dortmund/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart City Dortmund")
    expect(page.get_by_text("05913000")).to_be_visible()

    page.get_by_role("link", name="Smart City Dortmund Schwerte").click()
    expect(page).to_have_url(f"{live_server.url}/")


@pytest.mark.parametrize(
    ("link", "path", "heading"),
    [
        ("Impressum", "/impressum/", "Impressum"),
        ("Datenschutz", "/datenschutz/", "Datenschutzerklärung"),
        ("Barrierefreiheit", "/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
        ("Leichte Sprache", "/leichte-sprache/", "Leichte Sprache"),
    ],
)
def test_footer_links_open_their_pages(page, live_server, link, path, heading):
    page.goto("/")
    footer = page.get_by_role("navigation", name="Rechtliches und Hilfe")
    footer.get_by_role("link", name=link, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_skip_link_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_unknown_page_shows_the_404_page(page):
    response = page.goto("/gibt/es/nicht/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    page.get_by_role("link", name="Zur Startseite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart City Dortmund Schwerte")


def switch_language(page, language):
    # The label reads "Language" on English pages once the translations are in.
    page.get_by_label(re.compile(r"^(Sprache|Language)$")).select_option(language)
    page.locator(".language-switch button[type=submit]").click()


def test_language_switch_changes_to_english_and_back(page, live_server):
    # allauth's pages are translated already, so they show the switch on real text.
    page.goto("/konto/login/")
    html = page.locator("html")
    heading = page.get_by_role("heading", level=1)
    expect(html).to_have_attribute("lang", "de")
    expect(heading).to_have_text("Anmeldung")

    switch_language(page, "en")
    # set_language sends the browser back to the page it came from.
    expect(page).to_have_url(f"{live_server.url}/konto/login/")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Sign In")
    expect(page.locator("#language-select")).to_have_value("en")

    # The choice sticks (cookie) on the next page.
    page.goto("/")
    expect(html).to_have_attribute("lang", "en")

    switch_language(page, "de")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(html).to_have_attribute("lang", "de")
    page.goto("/konto/login/")
    expect(heading).to_have_text("Anmeldung")
