"""The citizen portal in a real browser (Debian's Chromium, headless): every page visited is
audited with axe-core (motcua/tests/browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.factories import at, received
from motcua.tests.builders import PASSWORD, build_org

pytestmark = pytest.mark.browser

RESULTS = "#results"


@pytest.fixture
def province(catalogue):
    """The real catalogue, the test province and one dossier received at the counter."""
    org = build_org()
    dossier = received(org, Procedure.objects.get(code="1.004873"), at("09:00 16/11/2026"))
    return org, dossier


def search(page, text: str) -> None:
    page.get_by_label("Tên hoặc mã thủ tục").fill(text)
    page.get_by_role("button", name="Tìm kiếm").click()


def test_a_search_without_diacritics_finds_the_procedure_and_its_page_shows_the_fees(
        browser, province):
    page = browser.visit("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(RESULTS)).to_contain_text("37 thủ tục")
    search(page, "dang ky khai sinh")
    expect(page.locator(RESULTS)).to_contain_text("thủ tục phù hợp")
    expect(page.locator(RESULTS)).to_contain_text("Thủ tục đăng ký khai sinh")
    assert re.search(r"\?q=dang(\+|%20)ky(\+|%20)khai(\+|%20)sinh$", page.url)  # htmx pushes it
    browser.check()

    # Filter by sector: the results stay within it.
    page.get_by_label("Lĩnh vực").select_option(label="Hộ tịch (Tư pháp)")
    page.wait_for_url(re.compile(r"sector=\d+"))  # the results changed as the filter did
    sectors = page.locator(f"{RESULTS} .motcua-facts__item:nth-child(2) dd")
    expect(sectors.first).to_be_visible()
    assert set(sectors.all_inner_texts()) == {"Hộ tịch (Tư pháp)"}
    browser.check()

    page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    assert page.url.endswith("/thu-tuc/1.001193/")
    fees = page.locator("table.motcua-fees")
    expect(fees).to_contain_text("Miễn phí")
    expect(fees).to_contain_text("chưa xác nhận")  # the copy fee was published as "?"
    expect(page.locator("#duration + ul")).to_contain_text("nhận sau 15:00")
    browser.check()

    # A procedure with a fee in VND.
    page = browser.visit("/?q=thanh+lap+ho+kinh+doanh")
    page.get_by_role("link", name="Đăng ký thành lập hộ kinh doanh", exact=True).click()
    expect(page.locator("table.motcua-fees")).to_contain_text(re.compile(r"\d{1,3}(\.\d{3})+ ₫"))
    browser.check()


def test_english_and_back_to_vietnamese(browser, province):
    page = browser.visit("/thu-tuc/1.001193/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/thu-tuc/1.001193/")  # the same page, in English
    expect(page.get_by_role("heading", level=1)).to_have_text("Birth registration")
    expect(page.get_by_role("link", name="Find a procedure").first).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("What to submit")
    browser.check()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#main-content")).to_contain_text("Thành phần hồ sơ")
    browser.check()


def test_every_page_fits_a_360_px_phone(browser, province):
    _org, dossier = province
    browser.phone()
    for path in ("/", "/?q=khai+sinh", "/thu-tuc/1.001193/", "/thu-tuc/1.013949/",
                 f"/tra-cuu/{dossier.code}", "/dang-nhap/"):
        browser.visit(path)
        assert browser.scroll_width() <= 360, f"{path} scrolls sideways"
    # The menu folds behind a button on a phone, and opens.
    page = browser.page
    menu = page.get_by_role("button", name="Menu")
    expect(page.locator("#navigation")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Tra cứu hồ sơ")).to_be_visible()
    browser.check()


def test_the_first_tab_reaches_the_skip_link_which_shows_and_skips(browser, province):
    page = browser.visit("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Bỏ qua, đến nội dung chính")
    box = skip.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 10  # visible once focused
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main-content")
    # The next Tab goes into the page's content, with the design system's focus style (yellow).
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Nộp hồ sơ")
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"


def test_tracking_by_code_shows_the_status_without_personal_data(browser, province):
    _org, dossier = province
    page = browser.visit("/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dossier.code)
    main = page.locator("#main-content")
    expect(main).to_contain_text("Được tiếp nhận")
    expect(main).to_contain_text("09:00 19/11/2026")
    expect(main).to_contain_text("N***** V** An")
    assert "Nguyễn Văn An" not in page.content() and "037095001234" not in page.content()
    browser.check()
    # An unknown code: 404, with the error next to the field.
    page = browser.visit("/tra-cuu/000.01.20.H40-261116-9999", status=404)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Không có hồ sơ")


def test_an_unknown_address_gets_the_404_page_in_the_layout(browser, province):
    page = browser.visit("/khong-co-trang-nay/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.locator("#main-content").get_by_role("link", name="tìm thủ tục")).to_be_visible()


def test_a_citizen_signs_in_sees_their_dossiers_and_signs_out(browser, province):
    org, dossier = province
    page = browser.visit("/ho-so-cua-toi/")  # sends to the sign-in page, and back
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(org.citizen.username)
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value(org.citizen.username)
    browser.check()
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.locator("#main-content")).to_contain_text(dossier.code)
    browser.check()
    page.get_by_role("button", name=re.compile("^Đăng xuất")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Bạn đã đăng xuất")
    browser.check()
