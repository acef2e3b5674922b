"""A petition answered in time, in a real browser (Debian's Chromium; axe-core audits every
page, motcua/tests/browser.py): a citizen opens their returned dossier, downloads the result,
rates it dissatisfied with a reason and files a petition; the head of the competent agency
answers it in the staff workspace; the citizen reads the answer and says it satisfied them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import received
from motcua.org.models import Role
from motcua.petitions import actions as petition_actions
from motcua.petitions.models import Petition, Rating, Topic
from motcua.tests.builders import build_org, build_procedure, pdf_bytes, staff

pytestmark = pytest.mark.browser


@pytest.fixture
def returned(settings, tmp_path):
    """The test province, a head of commune A's People's Committee, and the citizen's dossier
    received two days ago, its result (a PDF) attached by the commune's specialist, returned."""
    settings.MEDIA_ROOT = tmp_path
    org = build_org()
    head = staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD)
    start = timezone.now() - dt.timedelta(days=2)
    d = received(org, build_procedure(), start)
    d = actions.perform(d, "start_processing", org.specialist_a, now=start)
    d = actions.perform(d, "attach_file", org.specialist_a, now=start, upload=SimpleUploadedFile(
        "giay-xac-nhan.pdf", pdf_bytes(), content_type="application/pdf"))
    d = actions.perform(d, "mark_result_ready", org.specialist_a, now=start)
    d = actions.perform(d, "return_result", org.officer_a, now=start + dt.timedelta(hours=1))
    return org, head, d


def sign_out(browser):
    browser.page.get_by_role("button", name=re.compile("^Đăng xuất")).click()
    expect(browser.page.locator(".govuk-notification-banner")).to_contain_text("đăng xuất")


def test_a_petition_answered_in_time(browser, returned):
    org, head, d = returned
    page = browser.sign_in(org.citizen.username, "/ho-so-cua-toi/")
    page.get_by_role("link", name=d.code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(d.code)
    main = page.locator("#main-content")
    expect(main).to_contain_text("Đã trả kết quả")
    expect(main).to_contain_text("Hồ sơ đã được tiếp nhận tại Trung tâm Phục vụ hành chính "
                                 "công phường Hoa Lư")
    browser.check()

    # the result, downloaded
    with page.expect_download() as got:
        page.get_by_role("link", name="Tải về giay-xac-nhan.pdf").click()
    download = got.value
    assert download.suggested_filename == "giay-xac-nhan.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    # dissatisfied: the reason is asked for, then the rating is recorded
    rating = page.locator("#rating")
    rating.get_by_label("Không hài lòng").check()
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Hãy cho biết vì sao bạn không hài lòng")
    browser.check()
    rating = page.locator("#rating")
    expect(rating.get_by_label("Không hài lòng")).to_be_checked()  # the choice is kept
    rating.get_by_label("Vì sao?").fill("Phải đến bộ phận một cửa hai lần mới nhận được kết quả")
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "đánh giá của bạn đã được ghi nhận")
    expect(page.locator("#rating")).to_contain_text("không hài lòng")
    browser.check()

    # a petition about the dossier, to its competent agency
    petitions = page.locator("#petitions")
    petitions.get_by_label("Hành vi, cách giải quyết của cán bộ").check()
    petitions.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Cán bộ hẹn trả kết quả nhưng tôi đến thì chưa có.")
    petitions.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    petition = Petition.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phản ánh số {petition.pk}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Ủy ban nhân dân phường Hoa Lư")
    browser.check()
    sign_out(browser)

    # the head of the competent agency answers it in the workspace, in time
    page = browser.sign_in(head.username, "/can-bo/")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Phản ánh, kiến nghị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phản ánh, kiến nghị")
    browser.check()
    page.get_by_role("link", name=f"Phản ánh số {petition.pk}").click()
    page.get_by_label("Trả lời", exact=True).check()
    page.get_by_label(re.compile("^Nội dung trả lời")).fill(
        "Chúng tôi xin lỗi ông; cán bộ đã được nhắc nhở, kết quả từ nay trả đúng hẹn.")
    page.get_by_role("button", name="Gửi").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Đã gửi câu trả lời cho người phản ánh")
    browser.check()
    sign_out(browser)

    # the citizen reads the answer and says it satisfied them
    page = browser.sign_in(org.citizen.username, "/phan-anh-cua-toi/")
    page.get_by_role("link", name=f"Phản ánh số {petition.pk}").click()
    expect(page.locator("#answer")).to_contain_text("cán bộ đã được nhắc nhở")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi").click()
    expect(page.locator("#answer")).to_contain_text("Bạn đã đánh giá: hài lòng với câu trả lời")
    browser.check()

    petition.refresh_from_db()
    assert (petition.status, petition.rating, petition.late_since) == (
        "answered", "satisfied", None)
    assert petition.handled_at <= petition.deadline
    assert Rating.objects.get().disliked


def test_the_pages_fit_a_360_px_phone_and_read_in_english(browser, returned):
    org, head, d = returned
    p = petition_actions.file_petition(org.citizen, text="Trả kết quả chậm " * 20,
                                       topic=Topic.CONDUCT, dossier=d)
    browser.phone()
    page = browser.sign_in(org.citizen.username, f"/ho-so-cua-toi/{d.code}/")
    for path in (f"/ho-so-cua-toi/{d.code}/", "/phan-anh-cua-toi/", f"/phan-anh-cua-toi/{p.pk}/",
                 f"/thu-tuc/{d.procedure.code}/phan-anh/"):
        browser.visit(path)
        assert browser.scroll_width() <= 360, f"{path} scrolls sideways"
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a petition about a procedure")
    browser.visit(f"/ho-so-cua-toi/{d.code}/")
    expect(page.locator("#timeline")).to_contain_text("The result was returned to you")
    page.get_by_role("button", name="Tiếng Việt").click()
    browser.context.clear_cookies()  # signed out (on a phone the menu folds the button away)
    browser.sign_in(head.username, "/can-bo/phan-anh/")
    for path in ("/can-bo/phan-anh/", f"/can-bo/phan-anh/{p.pk}/"):
        browser.visit(path)
        assert browser.scroll_width() <= 360, f"{path} scrolls sideways"
