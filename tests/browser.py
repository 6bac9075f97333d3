"""Playwright driving Debian's Chromium against the live test server, and the axe-core check."""

import os
from pathlib import Path

import pytest

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def _browser():
    from tests.conftest import chromium_executable, skip_or_fail

    executable = chromium_executable()
    if not executable:
        skip_or_fail("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


class BrowserPage:
    """A page plus the habits every browser test shares: log in, check accessibility, keep errors."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.console_errors: list[str] = []
        self.console_warnings: list[str] = []  # Chromium reports a header it cannot use as a warning
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("console", lambda msg: msg.type == "warning" and self.console_warnings.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def __getattr__(self, name):
        return getattr(self.page, name)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, **kwargs):
        return self.page.goto(self.url(path), **kwargs)

    def login(self, email: str, password: str):
        from tests.factories import DEMO_PASSWORD

        self.goto("/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password or DEMO_PASSWORD)
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def logout(self):
        self.page.locator("header form[action$='/accounts/logout/'] button").click()
        self.page.wait_for_load_state()

    def switch_language(self, code: str):
        if self.page.locator("html").get_attribute("lang") == code:
            return  # already speaking it: the switch only offers the other language
        self.page.locator(f"form.language-switch button[value={code}]").click()
        self.page.wait_for_load_state()

    def check_accessibility(self, label: str = ""):
        """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fail on any violation."""
        self.page.evaluate(AXE_SOURCE.read_text())
        result = self.page.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
        )
        # axe and screenshots may leave empty style="" behind; htmx would copy them into swaps, and CSP
        # (style-src 'self') would then report them. Remove what the test harness itself left.
        self.page.evaluate("""() => document.querySelectorAll('[style=""]').forEach(e => e.removeAttribute('style'))""")
        violations = result["violations"]
        if violations:
            lines = [f"axe-core found {len(violations)} violation(s) on {self.page.url} {label}:"]
            for v in violations:
                targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
                lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} — {targets}")
            pytest.fail("\n".join(lines), pytrace=False)
        csp = [e for e in self.console_errors if "Content Security Policy" in e]
        assert not csp, f"CSP blocked something on {self.page.url}: {csp}"
        policy = [e for e in self.console_errors + self.console_warnings if "Permissions-Policy" in e]
        assert not policy, f"The browser refused part of the Permissions-Policy header on {self.page.url}: {policy}"

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        # caret="initial": the default hides the caret with inline styles, which htmx would then copy into swaps
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


@pytest.fixture
def browser_page(_browser, live_server):
    # Transactional tests after the first Playwright start can find the migration-loaded reference data
    # flushed (the serialized copy lives on another connection object); put the 98 municipalities back.
    from municipalities.data import load_reference
    from municipalities.models import Municipality

    load_reference(Municipality)
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    context.set_default_timeout(15_000)
    page = BrowserPage(context.new_page(), live_server.url)
    yield page
    context.close()
