"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls that the tests
# make between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _price_list(default_price_rules):
    """Every browser test starts with the default price list (tests/conftest.py)."""


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width: int = 360):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}, locale="nb-NO"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_accessibility(page) -> None:
    """axe-core, run in the page: no serious or critical WCAG 2.1 A/AA violation.

    Evaluated through the browser's debugging protocol rather than added as a <script>,
    which the page's Content-Security-Policy (nothing inline) would refuse."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


def screenshot(page, name: str) -> None:
    """The page at phone and desktop width, for people to look at (see README)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def visit(page, name: str) -> None:
    """What every page must pass: accessible, no horizontal scroll at 360 px, pictured."""
    check_accessibility(page)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px"
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, .button, select, nav a, .slots a, ' +
              'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), ' +
              '.check label, fieldset li label')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 || r.width < 24)
            .map(([html]) => html)"""
    )
    assert not small, f"touch targets under 44px on {page.url}: {small}"
    screenshot(page, name)
