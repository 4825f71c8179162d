"""axe-core (WCAG 2.1 A and AA rules) on every page of the platform, and no third-party
requests from any of them."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Only WCAG rules: best-practice rules such as ``region`` are not legal requirements (BITV).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations", "incomplete"],
}
# axe only asks for a review when ids referenced by ARIA repeat, as it cannot know which one is
# meant; on our pages that is always a bug (a screen reader may read the wrong text).
FAIL_ON_REVIEW = {"duplicate-id-aria"}
AXE = Axe()


def submit_invalid_feedback(page):
    # Empty message and a malformed address: both fields must show their errors.
    page.locator("#id_email").fill("keine-adresse")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.locator(".field-invalid")).to_have_count(2)


def submit_empty_form(page):
    form = page.locator("main form").first
    # Skip the browser's own check of required fields to get the server's error messages.
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("button[type=submit]").click()
    expect(page.locator("main .errorlist").first).to_be_visible()


@dataclass(frozen=True)
class Screen:
    path: str
    status: int = 200
    logged_in: bool = False
    prepare: Callable | None = None  # called with the page after loading, e.g. to show form errors
    name: str = ""

    @property
    def id(self):
        return self.name or self.path


SCREENS = [
    Screen("/"),
    Screen("/dortmund/"),
    Screen("/schwerte/"),
    Screen("/impressum/"),
    Screen("/datenschutz/"),
    Screen("/barrierefreiheit/"),
    Screen("/barrierefreiheit/", prepare=submit_invalid_feedback, name="/barrierefreiheit/ errors"),
    Screen("/leichte-sprache/"),
    Screen("/konto/login/"),
    Screen("/konto/login/", prepare=submit_empty_form, name="/konto/login/ errors"),
    Screen("/konto/signup/"),
    Screen("/konto/signup/", prepare=submit_empty_form, name="/konto/signup/ errors"),
    Screen("/konto/password/reset/"),
    Screen("/konto/password/reset/done/"),
    Screen("/konto/confirm-email/"),  # "we sent you an e-mail" after the registration
    Screen("/gibt/es/nicht/", status=404, name="404"),
    Screen("/konto/profil/", logged_in=True),
    Screen("/konto/profil/loeschen/", logged_in=True),
    Screen(
        "/konto/profil/loeschen/",
        logged_in=True,
        prepare=submit_empty_form,
        name="/konto/profil/loeschen/ errors",
    ),
    # Linked from the profile; rendered with our allauth/elements/field.html.
    Screen("/konto/email/", logged_in=True),
    Screen("/konto/password/change/", logged_in=True),
    Screen(
        "/konto/password/change/",
        logged_in=True,
        prepare=submit_empty_form,
        name="/konto/password/change/ errors",
    ),
]


def open_screen(page, screen):
    response = page.goto(screen.path)
    assert response.status == screen.status, f"{screen.path}: HTTP {response.status}"
    # The page itself, not a redirect to the login.
    assert urlsplit(page.url).path == screen.path, f"{screen.path} went to {page.url}"
    if screen.prepare:
        screen.prepare(page)


def describe(violations):
    """One readable block per rule: id, impact, what it checks and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            failed_checks = node["any"][:1] + node["all"] + node["none"]
            reason = "; ".join(check["message"] for check in failed_checks)
            lines.append(f"    at {target}: {reason}")
    return "\n".join(lines)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.id)
def test_page_has_no_wcag_violations(request, page, screen):
    if screen.logged_in:
        request.getfixturevalue("logged_in_context")
    open_screen(page, screen)

    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe did not check anything"
    violations = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in FAIL_ON_REVIEW
    ]

    assert not violations, f"axe found WCAG 2.1 AA violations on {screen.id}:\n" + describe(
        violations
    )


def test_pages_load_nothing_from_other_hosts(context, user, live_server):
    # Privacy statement: no fonts, scripts or styles from other servers. Each request is noted
    # with the page that was being shown. The CSP would block such a request before it is
    # made, so its refusals count as well (and catch inline scripts and styles, too).
    requests, refused = [], []
    current = {"screen": None}
    context.on("request", lambda request: requests.append((current["screen"], request.url)))
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            refused.append(f"{current['screen']}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )

    for screen in [screen for screen in SCREENS if not screen.logged_in]:
        current["screen"] = screen.id
        open_screen(page, screen)
    log_in(context, user, live_server)
    for screen in [screen for screen in SCREENS if screen.logged_in]:
        current["screen"] = screen.id
        open_screen(page, screen)
    # The API documentation (Swagger UI) is linked in the footer: it must be self-hosted too.
    current["screen"] = "/api/v1/docs"
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

    own_host = urlsplit(live_server.url).netloc
    assert {screen for screen, _url in requests} == {screen.id for screen in SCREENS} | {
        "/api/v1/docs"
    }
    foreign = [
        f"{screen}: {url}"
        for screen, url in requests
        if urlsplit(url).scheme != "data" and urlsplit(url).netloc != own_host
    ]
    assert not foreign, "Requests to other hosts:\n" + "\n".join(foreign)
    assert not refused, "Blocked by the Content Security Policy:\n" + "\n".join(refused)
