"""The browser tests' harness itself: axe-core runs on the page and a violation fails the check;
a Content-Security-Policy violation (an inline style) is caught too."""

import pytest

pytestmark = pytest.mark.browser


def test_axe_fails_the_check_on_a_serious_violation(browser, db):
    page = browser.visit("/dang-nhap/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<img src=\"/static/web/images/motcua.svg\">')")  # no alt text: critical
    with pytest.raises(AssertionError, match="image-alt"):
        browser.check()


def test_an_inline_style_breaks_the_content_security_policy_and_the_check(browser, db):
    page = browser.visit("/dang-nhap/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(100)
    with pytest.raises(AssertionError, match="Content Security Policy"):
        browser.check()
    browser.problems.clear()
