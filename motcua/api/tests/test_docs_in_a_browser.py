"""The API's documentation page works under the Content-Security-Policy (issue 9): Swagger UI
starts from a script file, renders the operations, and the browser reports no violation."""

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_api_without_a_policy_violation(browser, db):
    page = browser.page
    response = page.goto(browser.url("/api/docs/"))
    assert response is not None and response.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/dossiers" in p for p in paths), paths[:5]
    assert not browser.problems, browser.problems  # CSP violations arrive as console errors
