"""The applicant's dossier page in a real browser (axe-core audits each page): answering a
supplement request by uploading the missing document (sent by htmx, with its progress) and
sending it; withdrawing a dossier after a confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.tests.factories import online
from motcua.tests.builders import build_org, build_procedure, pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    return org, build_procedure()


def test_answering_a_supplement_request(browser, world, tmp_path):
    org, procedure = world
    now = timezone.now() - dt.timedelta(hours=3)
    d = online(org, procedure, now)
    d = actions.perform(d, "accept", org.officer_a, now=now + dt.timedelta(minutes=10))
    # asked now: after the files of the submission were stored (their upload time is the clock's)
    d = actions.perform(d, "request_supplement", org.officer_a, now=timezone.now(),
                        items=[{"name": "Bản sao giấy khai sinh", "note": "có chứng thực"}])
    page = browser.sign_in(org.citizen.username, f"/ho-so-cua-toi/{d.code}/")
    section = page.locator("#supplement")
    expect(section).to_contain_text("Bản sao giấy khai sinh: có chứng thực")
    expect(section).to_contain_text("Bạn chưa thêm giấy tờ nào")
    browser.check()
    # a file that is not what its name says: refused next to the field
    fake = tmp_path / "to-khai.pdf"
    fake.write_bytes(b"this is not a PDF")
    section.get_by_label("Tệp").set_input_files(str(fake))
    section.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#id_file-error")).to_be_visible()
    browser.check()
    real = tmp_path / "ban-sao-khai-sinh.pdf"
    real.write_bytes(pdf_bytes())
    section = page.locator("#supplement")
    section.get_by_label("Đây là giấy tờ nào?").select_option(label="Giấy tờ khác")
    section.get_by_label("Tệp").set_input_files(str(real))
    section.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "“ban-sao-khai-sinh.pdf” đã được thêm")
    expect(page.locator("#supplement")).to_contain_text("Giấy tờ bạn đã thêm từ khi có yêu cầu")
    assert page.url.endswith(f"/ho-so-cua-toi/{d.code}/")  # htmx swapped the page in place
    browser.check()
    assert DossierFile.objects.filter(original_name="ban-sao-khai-sinh.pdf").exists()
    page.locator("#supplement").get_by_role("button", name="Gửi phần bổ sung").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Đã gửi phần bổ sung")
    expect(page.locator("#timeline")).to_contain_text(
        "Đã nhận giấy tờ bổ sung, hoàn thiện hồ sơ.")
    browser.check()
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_withdrawing_with_a_confirmation(browser, world):
    org, procedure = world
    d = online(org, procedure, timezone.now() - dt.timedelta(hours=1))
    page = browser.sign_in(org.citizen.username, f"/ho-so-cua-toi/{d.code}/")
    page.get_by_role("link", name="Rút hồ sơ").click()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("vì sao bạn rút hồ sơ")
    browser.check()
    page.get_by_label("Vì sao bạn rút hồ sơ?").fill("Tôi nộp nhầm thủ tục")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn có chắc muốn rút hồ sơ?")
    browser.check()
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED
    page.get_by_role("button", name="Đồng ý rút hồ sơ").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Hồ sơ của bạn đã được rút")
    expect(page.locator("main .motcua-status")).to_have_text("Công dân yêu cầu rút hồ sơ")
    browser.check()
    assert Dossier.objects.get(pk=d.pk).status == Status.WITHDRAWN
