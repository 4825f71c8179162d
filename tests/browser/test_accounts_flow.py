"""Registration, e-mail confirmation, logout and login, clicked through in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

CONFIRMATION_LINK = re.compile(r"https?://\S+/konto/confirm-email/\S+/")


def test_register_confirm_logout_and_login_again(page, live_server, mailoutbox):
    from allauth.account.models import EmailAddress

    page.goto("/konto/signup/")
    form = page.locator("main form")
    form.locator("input[name=email]").fill("max@example.org")
    form.locator("input[name=username]").fill("max")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    # Mandatory verification: the account exists but is not logged in until confirmed.
    expect(page).to_have_url(re.compile(r"/konto/confirm-email/$"))
    assert not EmailAddress.objects.get(email="max@example.org").verified

    # The live server runs in this process, so its locmem mail lands in our outbox.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["max@example.org"]
    assert message.subject.startswith("[Smart City] ")
    link = CONFIRMATION_LINK.search(message.body).group(0)
    assert link.startswith(f"{live_server.url}/")

    page.goto(link)
    # Confirming takes a POST (a mail scanner that follows the link must not confirm).
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/konto/profil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")
    expect(page.locator(".facts")).to_contain_text("max@example.org")
    assert EmailAddress.objects.get(email="max@example.org").verified

    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Abmelden").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(nav.get_by_role("link", name="Anmelden")).to_be_visible()
    expect(nav.get_by_role("button", name="Abmelden")).to_have_count(0)

    # The profile now needs a login again.
    page.goto("/konto/profil/")
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/konto/profil/$"))

    login_form = page.locator("main form")
    login_form.locator("input[name=login]").fill("max")
    login_form.locator("input[name=password]").fill("falsches-Passwort")
    login_form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Passwort sind leider falsch")
    expect(page).to_have_url(re.compile(r"/konto/login/"))

    login_form.locator("input[name=login]").fill("max@example.org")
    login_form.locator("input[name=password]").fill(PASSWORD)
    login_form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/konto/profil/")
    expect(page.locator(".facts")).to_contain_text("max")
    expect(nav.get_by_role("button", name="Abmelden")).to_be_visible()
