"""Browser tests: Playwright for Python driving Debian's chromium against a live server.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium.
Without chromium the tests are skipped, except under CI where they must run.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# fixtures in the same thread are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "mouwakaba-demo"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        for item in items:
            item.add_marker(pytest.mark.e2e)
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"chromium not found at {CHROMIUM}: browser tests must run in CI")
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM}")
    for item in items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """A live Mouwakaba with the reference data and the demo accounts."""
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


class Requests:
    """Every request the page made, to prove none left this server."""

    def __init__(self, base_url: str) -> None:
        self.host = urlparse(base_url).netloc
        self.foreign: list[str] = []

    def __call__(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https") and url.netloc != self.host:
            self.foreign.append(request.url)


def _page(browser, site, viewport):
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    requests = Requests(site)
    page.on("request", requests)
    page.requests = requests
    return context, page


@pytest.fixture
def page(browser, site):
    context, page = _page(browser, site, DESKTOP)
    yield page
    context.close()
    assert page.requests.foreign == [], "requests to other hosts"


@pytest.fixture
def phone(browser, site):
    context, page = _page(browser, site, PHONE)
    yield page
    context.close()
    assert page.requests.foreign == [], "requests to other hosts"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, site: str, username: str, lang: str = "ar") -> None:
    page.goto(f"{site}/{lang}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/{lang}/")
