"""The counter with the national systems in a real browser (the sandbox, real HTTP; axe on every
page): the officer verifies the applicant in the population database, finds the applicant block
and the declaration filled, completes and uses the declaration, takes the judicial record from
its database instead of paper, and receives; the staff dossier page says where each came from.
The page also fits a 360 px phone with the declaration open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.catalog.importers import read_eforms
from motcua.catalog.models import ComponentRequirement, NationalSource
from motcua.dossiers.models import ComponentSource, Dossier, Status
from motcua.tests.builders import PASSWORD, build_org, build_procedure

pytestmark = pytest.mark.browser
ID = "037095001234"


@pytest.fixture
def counter(db, sandbox):
    org = build_org()
    procedure = build_procedure()
    version = procedure.versions.get()
    declaration = version.components.get(position=1)
    declaration.eform_schema = next(e.schema for e in read_eforms() if e.code == "1.004873")
    declaration.save()
    ComponentRequirement.objects.create(version=version, position=3, name="Phiếu lý lịch tư pháp",
                                        required=True, national_source=NationalSource.JUDICIAL)
    return org


def test_the_officer_receives_with_the_national_systems(browser, counter):
    org = counter
    page = browser.visit("/dang-nhap/?next=/can-bo/tiep-nhan/%3Fprocedure%3D1.004873")
    page.get_by_label("Tên đăng nhập").fill(org.officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Hoặc xác thực số định danh").fill(ID)
    page.get_by_role("button", name="Xác thực và điền thông tin").click()
    expect(page.locator("#population-found")).to_contain_text("Nguyễn Văn An")
    expect(page.get_by_label("Họ và tên hoặc tên tổ chức")).to_have_value("Nguyễn Văn An")
    browser.check()

    # the declaration, filled from the same lookup, opens when ticked
    declaration = page.locator("#declaration")
    expect(declaration.get_by_label("Ngày, tháng, năm sinh", exact=True)).to_be_hidden()
    declaration.get_by_label("Kê khai tờ khai tại đây (biểu mẫu điện tử)").check()
    expect(declaration.get_by_label("Ngày, tháng, năm sinh", exact=True)).to_have_value(
        "14/03/1995")
    expect(declaration.get_by_label("Giới tính", exact=True)).to_have_value("nam")
    declaration.get_by_label("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân") \
        .fill("bản thân")
    declaration.get_by_label("Dân tộc", exact=True).fill("Kinh")
    declaration.get_by_label("Quốc tịch", exact=True).fill("Việt Nam")
    declaration.get_by_label("Tình trạng hôn nhân", exact=True).fill("Chưa kết hôn.")
    browser.check()
    # a required answer left out is said next to it, nothing written
    page.get_by_label("Khai thác từ Cơ sở dữ liệu lý lịch tư pháp thay cho bản giấy").check()
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân")
    assert not Dossier.objects.exists()
    browser.check()
    page.locator("#declaration").get_by_label(
        "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân").fill("Để kết hôn.")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    browser.check()

    d = Dossier.objects.get()
    assert d.status == Status.RECEIVED and d.form_data["birth_date"] == "1995-03-14"
    sources = {c.requirement.position: (c.source, c.reference) for c in d.components.all()}
    assert sources[1] == (ComponentSource.EFORM, "")
    assert sources[3] == (ComponentSource.NATIONAL, f"judicial:{ID}")
    page = browser.visit(f"/can-bo/ho-so/{d.code}/")
    expect(page.locator("#main-content")).to_contain_text(
        "Khai thác từ Cơ sở dữ liệu lý lịch tư pháp")

    browser.phone()
    page = browser.visit(f"/can-bo/tiep-nhan/?procedure=1.004873&population={ID}")
    page.locator("#declaration").get_by_label(
        "Kê khai tờ khai tại đây (biểu mẫu điện tử)").check()
    browser.check()
    assert browser.scroll_width() <= 360
