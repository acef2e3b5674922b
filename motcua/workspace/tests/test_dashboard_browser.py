"""The leaders' dashboard in a real browser (Debian's Chromium, axe-core on every visit, no
console or Content-Security-Policy error): the charts draw from the static chart.js, each has
its table, the page is readable at 360 px, the period and unit form works with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.org.models import Role
from motcua.tests.builders import staff

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_charts_and_reads_well_on_a_phone(browser, world, november):
    auditor = staff("auditor.tinh", "Phạm Kiểm Toán", world.org.province_center, Role.AUDITOR)
    page = browser.sign_in(auditor.username, "/can-bo/chi-so/?timeType=month&month=11&year=2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số")
    expect(page.get_by_role("link", name="Chỉ số và thống kê")).to_have_attribute(
        "aria-current", "page")
    for chart in ("chart-trend", "chart-rates", "chart-intake"):
        # chart.js drew it: the canvas got its rendering size
        page.wait_for_function(f"document.getElementById('{chart}').width > 0")
    browser.check()
    expect(page.locator("#due")).to_contain_text(november["D2"].code)
    page.get_by_text("Xu hướng dạng bảng").click()
    expect(page.get_by_role("region", name="Xu hướng dạng bảng")).to_be_visible()
    browser.check()

    # the form, by keyboard: a quarter
    page.get_by_label("Kỳ", exact=True).select_option("quarter")
    page.get_by_label("Quý").select_option("4")
    page.get_by_label("Quý").press("Tab")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("quý 4 năm 2026")
    browser.check()

    browser.phone()
    page.reload()
    page.wait_for_function("document.getElementById('chart-trend').width > 0")
    assert browser.scroll_width() <= 360
    browser.check()


def test_a_specialist_gets_the_refusal_page(browser, world, november):
    page = browser.sign_in(world.org.specialist_a.username, "/can-bo/")
    expect(page.get_by_role("link", name="Chỉ số và thống kê")).to_have_count(0)
    browser.visit("/can-bo/chi-so/", status=403)
