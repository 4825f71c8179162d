"""Fixtures for the real-browser tests: the app on pytest-django's ``live_server`` and the
system's Chromium driven by Playwright's sync API."""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
PASSWORD = "Rathaus-Fahrrad-2031"

# Generous waits: the machine running the suite may be busy (2 cores, Chromium + server).
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    # Run the browser tests last: while Playwright runs, its event loop counts as "running" in
    # the main thread, which would break other tests that use async_to_sync or asyncio.run.
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        items.extend(browser_items)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread, so Django would refuse ORM calls
    # from fixtures and tests; allowed only while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser, live_server, cities):
    # German like the platform's default; Chromium would otherwise ask for en-US.
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def user(transactional_db):
    """A confirmed account that can log in."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username="erika", email="erika@example.org", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(context, user, live_server):
    """Give ``context`` a session of ``user`` without clicking through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": session_cookie.key, "value": session_cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def logged_in_context(context, user, live_server):
    log_in(context, user, live_server)
    return context
