"""The one-stop officer's day in a real browser (Debian's Chromium, headless; every page
audited with axe-core, motcua/tests/browser.py), at a 1280 px desk, mostly with the keyboard:
a dossier received at the counter with its Form 01, an online dossier received from the
queue, and a result returned."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.tests.test_slips import pdf_text
from motcua.tests.builders import PASSWORD, build_org, build_procedure, pdf_bytes
from motcua.workspace.tests.one_stop import at, online, person, ready

pytestmark = pytest.mark.browser

ID = "037095001234"


@pytest.fixture
def day(db, tmp_path):
    """Center A's day: an earlier applicant (a dossier whose result is ready) and an online
    dossier waiting to be received."""
    org = build_org()
    procedure = build_procedure()
    earlier = ready(org, procedure, applicant=person(commune_code=org.commune_a.code,
                                                     address="Số 12 đường Trần Hưng Đạo"))
    waiting = online(org, procedure, at("08:30 16/11/2026"),
                     applicant=person(name="Hoàng Thị Lan", id_number="036198004321",
                                      commune_code=org.commune_a.code),
                     account=org.other_citizen)
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(pdf_bytes())
    return org, earlier, waiting, scan


def test_a_one_stop_officers_day_with_the_keyboard(browser, day):
    org, earlier, waiting, scan = day
    page = browser.visit("/dang-nhap/?next=/can-bo/tiep-nhan/")
    page.get_by_label("Tên đăng nhập").fill(org.officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận tại quầy")
    browser.check()

    # The cursor is in the applicant search: the ID number and Enter find the earlier applicant.
    expect(page.locator(":focus")).to_have_id("id_applicant_q")
    page.keyboard.type(ID)
    page.keyboard.press("Enter")
    expect(page.locator("#applicant-chosen")).to_contain_text("Nguyễn Văn An")
    expect(page.locator(":focus")).to_have_id("id_procedure_q")
    browser.check()

    # The procedure, without diacritics: its match comes as one types; ↓ and Enter choose it.
    page.keyboard.type("xac nhan tinh trang hon nhan")
    match = page.locator("#procedure-matches [data-suggestion]").first
    expect(match).to_contain_text("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")
    page.keyboard.press("ArrowDown")
    expect(match).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#procedure-chosen")).to_contain_text("1.004873")
    expect(page.get_by_label("Họ và tên hoặc tên tổ chức")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Địa chỉ", exact=True)).to_have_value("Số 12 đường Trần Hưng Đạo")
    first = page.locator(".motcua-component-row").first
    expect(first.get_by_label("Đã nộp")).to_be_focused()
    expect(first.get_by_label("Đã nộp")).to_be_checked()
    browser.check()

    # The scan of the first component (a file chooser is the one thing the keyboard does not
    # drive here), then Enter in its count field receives the dossier.
    first.get_by_label("Bản quét hoặc tệp").set_input_files(str(scan))
    first.get_by_label("Số lượng").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    received = Dossier.objects.exclude(pk__in=[earlier.pk, waiting.pk]).get()
    assert received.status == Status.RECEIVED and received.files.count() == 1
    expect(page.locator(".govuk-panel")).to_contain_text(received.code)
    browser.check()

    # Form 01 prints: the link gives the PDF with the dossier's code.
    link = page.get_by_role("link", name=re.compile("In Mẫu 01"))
    expect(link).to_be_focused()
    pdf = page.request.get(browser.url(link.get_attribute("href")))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert received.code in pdf_text(pdf.body())

    # The online queue: the waiting dossier, received with the keyboard.
    page = browser.visit("/can-bo/ho-so-truc-tuyen/")
    item = page.locator(".motcua-queue-item", has_text=waiting.code)
    expect(item).to_contain_text("Hoàng Thị Lan")
    item.get_by_role("button", name=re.compile("^Tiếp nhận")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Hồ sơ {waiting.code} đã được tiếp nhận")
    expect(page.locator(".govuk-notification-banner").get_by_role("link", name="In Mẫu 01")
           ).to_have_attribute("href", f"/api/v1/dossiers/{waiting.code}/slips/01.pdf")
    waiting.refresh_from_db()
    assert waiting.status == Status.RECEIVED
    browser.check()

    # Return of results: found by its code, handed over with a note and Enter.
    page = browser.visit("/can-bo/tra-ket-qua/")
    page.get_by_label("Mã hồ sơ").fill(earlier.code)
    page.keyboard.press("Enter")
    item = page.locator(".motcua-queue-item", has_text=earlier.code)
    item.get_by_label("Ghi chú").fill("Ông An nhận trực tiếp")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Đã trả kết quả hồ sơ {earlier.code}")
    earlier.refresh_from_db()
    assert earlier.status == Status.RETURNED
    browser.check()


def test_the_counter_shows_errors_next_to_the_fields_and_fits_a_phone(browser, day):
    org, *_ = day
    page = browser.visit("/dang-nhap/?next=/can-bo/tiep-nhan/%3Fprocedure%3D1.004873")
    page.get_by_label("Tên đăng nhập").fill(org.officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Họ và tên hoặc tên tổ chức")).to_be_focused()
    page.keyboard.type("Lê Thị Hoa")
    page.get_by_label("Số định danh cá nhân", exact=True).fill("12345")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Số định danh cá nhân phải gồm đúng 12 chữ số")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Họ và tên hoặc tên tổ chức")).to_have_value("Lê Thị Hoa")
    assert Dossier.objects.count() == 2  # the day's two, nothing half-written
    browser.check()
    # corrected, then refused with its reason: Form 03 is offered, not Form 01
    page.get_by_label("Số định danh cá nhân", exact=True).fill("036198004321")
    page.get_by_label("Lý do", exact=True).fill("Không đủ điều kiện theo quy định")
    page.get_by_role("button", name="Từ chối (Mẫu 03)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã từ chối tiếp nhận hồ sơ")
    expect(page.get_by_role("link", name=re.compile("In Mẫu 03"))).to_be_visible()
    assert Dossier.objects.filter(status=Status.REFUSED).count() == 1
    browser.check()
    browser.phone()
    browser.visit("/can-bo/tiep-nhan/?procedure=1.004873")
    assert browser.scroll_width() <= 360
    for path in ("/can-bo/ho-so-truc-tuyen/", "/can-bo/tra-ket-qua/", "/can-bo/dieu-phoi/"):
        browser.visit(path)
        assert browser.scroll_width() <= 360, f"{path} scrolls sideways"
