"""The store's journey in a real browser (Debian's Chromium; every page audited with axe,
motcua/tests/browser.py): the counter digitizes a paper component, the citizen finds it in
their data store and downloads it, and their next online dossier reuses it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.catalog.importers import load_procedures
from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.models import ComponentSource, Dossier
from motcua.dossiers.tests.factories import person, submission
from motcua.records.models import DigitizedCopy, Reuse, StoreItem
from motcua.tests.builders import build_org, pdf_bytes

pytestmark = pytest.mark.browser

MARITAL = "1.004873"
ID_CARD = 5  # "Xuất trình: Hộ chiếu/Thẻ CCCD/…": an identity card


@pytest.fixture
def org(db):
    load_procedures(effective_from=dt.date(2025, 7, 1))  # the bundled real procedures
    return build_org()


def continue_(page) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_digitized_at_the_counter_found_in_the_store_and_reused_online(browser, org, tmp_path):
    procedure = Procedure.objects.get(code=MARITAL)
    version = procedure.versions.get()
    paper = [actions.ComponentInput(requirement_id=r.id, is_paper=True)
             for r in version.components.filter(required=True, condition="")]
    d = actions.intake_at_counter(submission(
        org, procedure, channel=1, components=paper,
        applicant=person(commune_code=org.commune_a.code)), officer=org.officer_a)
    id_card = d.components.get(requirement__position=ID_CARD)
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(pdf_bytes())

    # The counter: the receipt page digitizes the identity card handed in on paper.
    page = browser.visit(f"/dang-nhap/?next=/can-bo/tiep-nhan/{d.code}/")
    browser.sign_in(org.officer_a.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#digitization-state")).to_have_text("Chưa số hóa")
    browser.check()
    row = page.locator(f"#digitize-component-{id_card.pk}")
    row.locator("summary", has_text="Số hóa thành phần này").click()
    row.get_by_label("Tệp quét (PDF, JPEG hoặc PNG)").set_input_files(str(scan))
    expect(row.get_by_label("Loại giấy tờ")).to_have_value("identity-card")  # from its name
    expect(row.get_by_label("Chủ sở hữu", exact=True)).to_have_value("Nguyễn Văn An")
    row.get_by_label("Số giấy tờ").fill("037095001234")
    row.get_by_label("Cơ quan cấp").fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    row.get_by_label("Ngày cấp").fill("01/07/2024")
    browser.check()
    row.get_by_role("button", name="Lưu bản điện tử").click()
    expect(page.locator("#main-content")).to_contain_text("đã được số hóa")
    expect(row).to_contain_text("Đã số hóa")
    expect(page.locator("#digitization-state")).to_have_text(
        re.compile("Số hóa một phần|Đã số hóa"))
    browser.check()
    assert DigitizedCopy.objects.get().component_id == id_card.pk

    # The citizen: the document is in their data store, and downloads.
    browser.context.clear_cookies()
    page = browser.visit("/dang-nhap/?next=/kho-du-lieu/")
    browser.sign_in(org.citizen.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kho dữ liệu của tôi")
    item = StoreItem.objects.get()
    link = page.get_by_role("link", name=re.compile("^Xuất trình"))
    expect(page.locator("#main-content")).to_contain_text("037095001234")
    browser.check()
    with page.expect_download() as downloaded:
        link.click()
    assert downloaded.value.suggested_filename == "cccd.pdf"
    with open(downloaded.value.path(), "rb") as f:
        assert f.read() == scan.read_bytes()

    # The next online dossier: the identity card comes from the store, no upload.
    page = browser.visit(f"/thu-tuc/{MARITAL}/")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ nơi cư trú").fill("Số 12, đường Lê Lợi")
    page.get_by_label("Xã, phường", exact=True).select_option(label="Phường Hoa Lư")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai")
    page.get_by_label("Họ, chữ đệm, tên", exact=True).fill("Nguyễn Văn An")
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành phần hồ sơ")
    group = page.get_by_role("group", name=re.compile("^Xuất trình: Hộ chiếu"))
    offer = group.get_by_label(re.compile("^Lấy từ kho dữ liệu của tôi"))
    browser.check()
    offer.check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nơi nhận kết quả")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và nộp")
    expect(page.locator("#main-content")).to_contain_text("Lấy từ kho dữ liệu của tôi")
    browser.check()
    page.get_by_label(re.compile("^Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    online = Dossier.objects.exclude(pk=d.pk).get()
    reused = online.components.get(requirement__position=ID_CARD)
    assert reused.source == ComponentSource.REUSED and not reused.files.exists()
    assert Reuse.objects.get().item == item
    assert item.valid_on(timezone.localdate())
