"""Browser tests: Playwright for Python driving Debian's Chromium, headless (`make deps` installs
it with apt; no browser is ever downloaded). One Chromium per test process (session fixture);
each test gets a fresh context (cookies, language, viewport) on pytest-django's live_server.

Every page a test visits through `Browser.visit` (or checks with `Browser.check`) is audited
with axe-core (from node_modules, injected into every page as an init script, so the pages'
Content-Security-Policy still applies to the pages' own code): a serious or critical violation
fails the test, and so does any console error (a Content-Security-Policy violation, a script
error) or uncaught page error.

Use: mark the test `@pytest.mark.browser` and take the `browser` fixture (it needs the
live_server, hence a transactional database: build the test's data in the test or its fixtures).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from motcua.tests.builders import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = ROOT / "motcua" / "web" / "static" / "web" / "build" / "motcua.css"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
FAILING_IMPACTS = ("serious", "critical")

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make deps` (apt-get install "
                    "chromium); the browser tests never download a browser.")
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    for needed in (AXE_JS, BUILT_CSS):
        if not needed.exists():
            pytest.fail(f"{needed.relative_to(ROOT)} is missing: run `make deps` (npm ci and "
                        "the front-end build).")
    # Playwright's synchronous API runs an event loop in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told that this one is safe (it is: the test
    # code is synchronous and the server runs in its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
        yield browser
        browser.close()


@dataclass
class Browser:
    """One browser context on the live server, with the page and what went wrong in it."""

    base_url: str
    context: Any
    page: Any
    problems: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, *, status: int = 200) -> Any:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"GET {path}: {response.status if response else None}, expected {status}")
        if status >= 400:
            self.expect_own_status(status)
        self.check()
        return self.page

    def expect_own_status(self, status: int) -> None:
        """The page answered `status` (a form sent back with its errors: 400) as expected: the
        console's report of it is no problem."""
        self.problems = [p for p in self.problems
                         if not (p.startswith("console error: Failed to load resource")
                                 and f"status of {status} " in p
                                 and p.endswith(f" at {self.page.url}"))]

    def check(self) -> None:
        """Audit the page as it is now with axe-core; fail on serious or critical violations
        and on any console or page error so far."""
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate(AXE_RUN)
        self.audited.append(self.page.url)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"axe on {self.page.url}: {failing}"
        assert not self.problems, f"console or page errors on {self.page.url}: {self.problems}"

    def sign_in(self, username: str, path: str | None = None) -> Any:
        """Signs in with the tests' password on the sign-in form of the page open now, or of
        `path` opened first (the sign-in page, or a page that sends to it and back); the page
        that follows, audited. The fields by their ids and Enter to send: the same in both
        languages."""
        page = self.visit(path) if path else self.page
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("#id_password").press("Enter")
        self.check()
        return page

    def phone(self) -> None:
        self.page.set_viewport_size(PHONE)

    def scroll_width(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollWidth"))


def open_browser(chromium: Any, base_url: str, *, locale: str = "vi-VN",
                 viewport: dict[str, int] | None = None) -> Browser:
    context = chromium.new_context(locale=locale, viewport=viewport or DESKTOP)
    context.add_init_script(path=str(AXE_JS))
    context.set_default_timeout(10_000)
    page = context.new_page()
    session = Browser(base_url=base_url, context=context, page=page)
    page.on("console", lambda m: session.problems.append(
        f"console {m.type}: {m.text} at {m.location.get('url', '')}") if m.type == "error"
        else None)
    page.on("pageerror", lambda e: session.problems.append(f"page error: {e}"))
    return session


@pytest.fixture
def browser(chromium: Any, live_server: Any) -> Iterator[Browser]:
    """A fresh browser context in Vietnamese, desk-sized, on the live server."""
    session = open_browser(chromium, live_server.url)
    yield session
    session.context.close()
    assert not session.problems, session.problems
