"""`make screenshots`: PNG screenshots of the web pages into $SCREENSHOTS_DIR (docs/screenshots/),
desk-sized (the whole page) and on a 360 px phone (its first screen), with the browser tests'
Chromium on their data: the real catalogue, the test province, a few dossiers. Skipped unless
SCREENSHOTS_DIR is set; every page is audited with axe like any browser test."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.factories import at, online, received
from motcua.tests.browser import DESKTOP, PHONE
from motcua.tests.builders import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="make screenshots"),
]


def test_screenshots(browser, catalogue, org):
    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    marriage = Procedure.objects.get(code="1.004873")
    dossier = received(org, marriage, at("09:00 16/11/2026"))
    online(org, marriage, at("14:20 17/11/2026"))
    pages = {
        "home": "/",
        "search": "/?q=khai+sinh",
        "procedure": "/thu-tuc/1.001193/",
        "tracking": f"/tra-cuu/{dossier.code}",
        "sign-in": "/dang-nhap/",
        "not-found": ("/khong-co-trang-nay/", 404),
    }
    page = browser.page

    def shoot(name: str, *, full: bool) -> None:
        page.screenshot(path=str(out / f"{name}.png"), full_page=full, animations="disabled")

    for viewport, suffix, full in ((DESKTOP, "desktop", True), (PHONE, "phone", False)):
        page.set_viewport_size(viewport)
        for name, target in pages.items():
            path, status = target if isinstance(target, tuple) else (target, 200)
            browser.visit(path, status=status)
            if name == "search" and not full:  # a phone's screen at the results
                page.locator("#results").evaluate("e => e.scrollIntoView()")
            shoot(f"{name}-{suffix}", full=full)
    # Signed in: my dossiers; and the home page in English.
    page.set_viewport_size(DESKTOP)
    browser.visit("/dang-nhap/?next=/ho-so-cua-toi/")
    page.get_by_label("Tên đăng nhập").fill(org.citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/ho-so-cua-toi/")
    browser.check()
    shoot("my-dossiers-desktop", full=True)
    page.get_by_role("button", name="English").click()
    browser.visit("/")
    shoot("home-english-desktop", full=True)


def test_screenshots_of_the_online_submission(browser, catalogue, org):
    """The declaration (an e-form), the documents, the review and the receipt."""
    from django.test import Client

    from motcua.portal.tests.submitting import fill_to_review

    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    client.force_login(org.citizen)
    draft = fill_to_review(client, org)
    page = browser.page
    browser.visit(f"/dang-nhap/?next={draft.url('eform')}")
    page.get_by_label("Tên đăng nhập").fill(org.citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(f"**{draft.url('eform')}")
    browser.check()

    def shoot(name: str, *, full: bool) -> None:
        page.screenshot(path=str(out / f"{name}.png"), full_page=full, animations="disabled")

    shoot("submission-declaration-desktop", full=True)
    for step in ("components", "review"):
        browser.visit(draft.url(step))
        shoot(f"submission-{step}-desktop", full=True)
    page.set_viewport_size(PHONE)
    browser.visit(draft.url("review"))
    page.get_by_label(re.compile("^Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-ho-so/bien-nhan/**")
    browser.check()
    shoot("submission-receipt-phone", full=True)
