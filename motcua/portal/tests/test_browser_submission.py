"""A citizen submits a dossier online on a 360 px phone, in a real browser (Debian's Chromium):
search, the procedure, the steps of the submission with an error corrected, an upload with its
progress, the review, the receipt with its QR code, then "My dossiers"; and a draft saved, left
and resumed. Every page is audited with axe (motcua/tests/browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from motcua.dossiers.models import ComponentSource, Dossier, Status
from motcua.tests.builders import build_org, pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def org(catalogue):
    return build_org()


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """A scan of about 300 KB: long enough to upload on a slow line to see its progress."""
    path = tmp_path / "can-cuoc.pdf"
    path.write_bytes(pdf_bytes(1300))
    return path


def slow_upload(browser, bytes_per_second: int | None) -> None:
    """Chromium's own network emulation (DevTools protocol): a slow upload, or none."""
    session = browser.context.new_cdp_session(browser.page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": bytes_per_second or -1})


def fits(browser) -> None:
    """The page as it is now passes axe and does not scroll sideways on the phone."""
    browser.check()
    assert browser.scroll_width() <= 360, f"{browser.page.url} scrolls sideways"


def continue_(page) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_a_citizen_submits_online_on_a_phone(browser, org, scan):
    browser.phone()
    page = browser.visit("/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("xac nhan tinh trang hon nhan")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
                     exact=True).click()
    fits(browser)
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")  # and back
    fits(browser)
    browser.sign_in(org.citizen.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")
    fits(browser)
    page.get_by_role("button", name="Bắt đầu").click()

    # 1. Who is applying: the account's holder, prefilled; the commune picked from the list.
    expect(page.get_by_role("heading", level=1)).to_have_text("Người nộp hồ sơ")
    expect(page.get_by_label("Cho bản thân tôi")).to_be_checked()
    expect(page.get_by_label("Họ, chữ đệm, tên của bạn")).to_have_value("Nguyễn Văn An")
    fits(browser)
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ nơi cư trú").fill("Số 12, đường Lê Lợi")
    page.get_by_label("Xã, phường", exact=True).select_option(label="Phường Hoa Lư")
    continue_(page)

    # 2. The declaration: a name left out is refused next to its field, typed values kept.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai")
    fits(browser)
    page.get_by_label("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân").fill(
        "bản thân")
    page.get_by_label("Ngày, tháng, năm sinh", exact=True).fill("02/03/1995")
    page.get_by_label("Giới tính", exact=True).select_option(label="Nam")
    page.get_by_label("Dân tộc", exact=True).fill("Kinh")
    page.get_by_label("Quốc tịch", exact=True).fill("Việt Nam")
    page.get_by_label("Số định danh cá nhân", exact=True).fill("037095001234")
    page.get_by_label("Nơi cư trú", exact=True).fill("Số 12, đường Lê Lợi, phường Hoa Lư")
    page.get_by_label("Tình trạng hôn nhân", exact=True).fill("Chưa đăng ký kết hôn với ai.")
    page.get_by_label("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân").fill("Để kết hôn.")
    continue_(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Hãy nhập “Họ, chữ đệm, tên”.")
    name = page.get_by_label("Họ, chữ đệm, tên", exact=True)
    expect(page.locator(".govuk-form-group--error")).to_contain_text(
        "Hãy nhập “Họ, chữ đệm, tên”.")
    expect(page.get_by_label("Dân tộc", exact=True)).to_have_value("Kinh")  # what was typed is kept
    fits(browser)
    summary.get_by_role("link").first.click()
    expect(name).to_be_focused()
    name.fill("Nguyễn Văn An")
    continue_(page)

    # 3. The documents: the declaration is the e-form; the ID card uploads with its progress.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành phần hồ sơ")
    expect(page.locator("#main-content")).to_contain_text("Khai trực tuyến")
    fits(browser)
    id_card = page.get_by_role("group", name=re.compile("^Xuất trình: Hộ chiếu"))
    expect(id_card.get_by_label("Tải tệp lên")).to_be_checked()
    slow_upload(browser, 64_000)  # about 5 s for the scan: its progress shows meanwhile
    id_card.get_by_label("Chọn tệp").set_input_files(str(scan))
    expect(id_card.get_by_role("progressbar", name="Đang tải lên")).to_be_visible()
    expect(id_card.get_by_role("link", name="can-cuoc.pdf")).to_be_visible(timeout=30_000)
    slow_upload(browser, None)
    expect(id_card.get_by_role("button", name="Xóa can-cuoc.pdf")).to_be_visible()
    fits(browser)
    continue_(page)

    # 4. The result, at a one-stop unit.
    expect(page.get_by_role("heading", level=1)).to_have_text("Nơi nhận kết quả")
    expect(page.get_by_label("Tại bộ phận một cửa trong tỉnh")).to_be_checked()
    page.get_by_label("Bộ phận một cửa", exact=True).select_option(label=org.center_a.name)
    fits(browser)
    continue_(page)

    # 5. The review, then the submission.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và nộp")
    main = page.locator("#main-content")
    expect(main).to_contain_text("037095001234")
    expect(main).to_contain_text("Phường Hoa Lư, Ninh Bình")
    expect(main).to_contain_text("02/03/1995")
    expect(main.get_by_role("link", name="can-cuoc.pdf")).to_be_visible()
    fits(browser)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Hãy đánh dấu ô cam đoan")
    fits(browser)
    page.get_by_label(re.compile("^Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    # The receipt: the code, the time, the QR code of the tracking address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.account == org.citizen
    expect(page.locator(".govuk-panel")).to_contain_text(dossier.code)
    expect(page.get_by_role("img", name=re.compile("Mã QR"))).to_be_visible()
    expect(main).to_contain_text(re.compile(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}"))
    fits(browser)
    assert {c.source for c in dossier.components.all()} == {ComponentSource.EFORM,
                                                            ComponentSource.UPLOAD}
    assert dossier.files.get().original_name == "can-cuoc.pdf"

    page.get_by_role("link", name="Xem hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(dossier.code)
    fits(browser)
    page = browser.visit("/ho-so-cua-toi/")
    expect(page.locator("#main-content")).to_contain_text(dossier.code)


def test_a_draft_is_saved_left_and_resumed(browser, org):
    browser.phone()
    page = browser.visit("/dang-nhap/?next=/thu-tuc/1.001193/nop-truc-tuyen/")
    browser.sign_in(org.citizen.username)
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ nơi cư trú").fill("Số 12, đường Lê Lợi")
    page.get_by_label("Xã, phường", exact=True).select_option(label="Phường Nam Định")
    page.get_by_role("button", name="Lưu nháp, làm tiếp sau").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ đang soạn")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Đã lưu nháp")
    fits(browser)
    browser.visit("/")  # leave
    page = browser.visit("/ho-so-cua-toi/")
    page.get_by_role("link", name=re.compile("^Hồ sơ đang soạn")).click()
    fits(browser)
    page.get_by_role("link", name=re.compile("^Tiếp tục")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Người nộp hồ sơ")
    expect(page.get_by_label("Địa chỉ nơi cư trú")).to_have_value("Số 12, đường Lê Lợi")
    expect(page.get_by_label("Xã, phường", exact=True)).to_have_value(org.commune_b.code)
    fits(browser)
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai")
    fits(browser)
