"""The certified copies' staff page in a real browser (Debian's Chromium; axe-core audits every
page, motcua/tests/browser.py), on a 360 px phone, in Vietnamese and in English: an officer of a
commune that certifies copies refuses a program passed off as a scan, certifies a scanned
original, and opens the copy's verification page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.records import certificates
from motcua.records.models import CertificationService, CertifiedCopy
from motcua.records.tests.conftest import dev_ca, image_bytes  # noqa: F401 - a fixture
from motcua.tests.browser import PHONE
from motcua.tests.builders import build_org

pytestmark = pytest.mark.browser


@pytest.fixture
def commune(db, dev_ca, settings, tmp_path, live_server, sandbox):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = live_server.url
    org = build_org()
    CertificationService.objects.create(unit=org.commune_a, offered=True, fee_vnd=10_000)
    certificates.issue_for(org.pc_a)
    return org


def test_certifying_a_copy_on_a_phone(browser, commune, tmp_path):
    browser.phone()
    scan = tmp_path / "bang-tot-nghiep.png"
    scan.write_bytes(image_bytes("PNG"))
    program = tmp_path / "bang-tot-nghiep.pdf"
    program.write_bytes(b"MZ\x90\x00 not a scan")
    page = browser.sign_in(commune.officer_a.username, "/dang-nhap/?next=/can-bo/chung-thuc/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chứng thực bản sao điện tử")
    expect(page.locator("#certification-service")).to_contain_text("10.000")
    assert browser.scroll_width() <= PHONE["width"]

    form = page.locator("#main-content form")
    form.get_by_label("Tên giấy tờ, văn bản").fill("Bằng tốt nghiệp trung học phổ thông")
    form.get_by_label("Loại giấy tờ").select_option("diploma")
    form.get_by_label("Người yêu cầu chứng thực").fill("Nguyễn Văn An")
    form.get_by_label("Số định danh cá nhân hoặc mã số thuế của chủ sở hữu").fill(
        commune.citizen.national_id)
    form.get_by_label(re.compile("^Bản quét bản chính")).set_input_files(str(program))
    form.get_by_role("button", name="Chứng thực và ký số bản sao").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("PDF")
    assert not CertifiedCopy.objects.exists()
    browser.expect_own_status(400)  # the form, back with its errors
    browser.check()
    assert browser.scroll_width() <= PHONE["width"]

    form = page.locator("#main-content form")
    form.get_by_label(re.compile("^Bản quét bản chính")).set_input_files(str(scan))
    form.get_by_role("button", name="Chứng thực và ký số bản sao").click()
    copy = CertifiedCopy.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(copy.number)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("đã được chứng thực")
    expect(page.locator("#certified-state")).to_contain_text("Đã ký số")
    browser.check()
    assert browser.scroll_width() <= PHONE["width"]

    page.get_by_role("link", name="Trang xác thực").click()
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#issued-certified")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text(copy.number)
    browser.check()
    assert browser.scroll_width() <= PHONE["width"]


def test_the_page_in_english(browser, commune):
    browser.phone()
    page = browser.sign_in(commune.officer_a.username, "/dang-nhap/?next=/can-bo/chung-thuc/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Electronic certified copies")
    form = page.locator("#main-content form")
    for label in ("Name of the document", "Scan of the original (PDF, JPEG or PNG)",
                  "Document type", "Person who asks for the copy"):
        expect(form.get_by_label(label, exact=True)).to_be_visible()
    form.get_by_role("button", name="Certify and sign the copy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the document's name.")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the scan of the original.")
    expect(page.get_by_role("heading", name="Book of certified copies")).to_be_visible()
    browser.expect_own_status(400)
    browser.check()
    assert browser.scroll_width() <= PHONE["width"]
