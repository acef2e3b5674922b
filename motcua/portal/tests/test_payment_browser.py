"""The citizen pays a fee online in a real browser: the dossier page, the sandbox payment
platform's page (a real server: its confirm callback reaches the live server), back to the
dossier and the electronic receipt. axe-core audits every page of ours and the platform's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers.tests.factories import online
from motcua.integration.models import Payment
from motcua.integration.tests.payments_helpers import fee_procedure
from motcua.tests.builders import build_org

pytestmark = pytest.mark.browser


@pytest.fixture
def world(settings, tmp_path, sandbox, live_server):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = live_server.url  # where the platform calls back and returns
    org = build_org()
    d = online(org, fee_procedure(), timezone.now() - dt.timedelta(hours=1))
    return org, d


def test_the_citizen_pays_online_and_gets_the_receipt(browser, world, sandbox):
    org, d = world
    page = browser.sign_in(org.citizen.username, f"/ho-so-cua-toi/{d.code}/")
    section = page.locator("#payment")
    expect(section).to_contain_text("Lệ phí cấp giấy xác nhận")
    expect(section.locator("#payment-total")).to_have_text("70.000 ₫")
    browser.check()
    section.get_by_role("button", name="Thanh toán trực tuyến").click()
    # the national payment platform's page (the sandbox), with the receipt section
    page.wait_for_url(f"{sandbox.url}/payments/pay/**")
    expect(page.locator("#amount")).to_have_text("70000 VND")
    expect(page.locator("table")).to_contain_text(d.code)
    browser.check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    # back on Motcua: the receipt, once the platform's signed callback was accepted
    page.wait_for_url(f"{browser.base_url}/ho-so-cua-toi/{d.code}/bien-lai/**")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Đã nhận khoản thanh toán của bạn")
    expect(page.locator("#receipt-amount")).to_have_text("70.000 ₫")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.SUCCEEDED
    expect(page.locator("#receipt-reference")).to_have_text(payment.reference)
    browser.check()
    link = page.get_by_role("link", name="Tải biên lai (PDF)").get_attribute("href")
    pdf = page.request.get(browser.url(link))  # with the browser's session
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    browser.visit(f"/ho-so-cua-toi/{d.code}/")
    expect(page.locator("#payment")).to_contain_text("Đã thanh toán trực tuyến")
    expect(page.locator("#timeline")).to_contain_text("Bạn đã nộp 70.000 ₫ trực tuyến.")
    # at 360 px the section and the receipt fit the screen
    browser.phone()
    assert browser.scroll_width() <= 360
    browser.visit(f"/ho-so-cua-toi/{d.code}/bien-lai/{payment.reference}/")
    assert browser.scroll_width() <= 360
