"""The main journey of issue 10, chained, in a real browser (Debian's Chromium; axe-core audits
every page, motcua/tests/browser.py): a citizen submits online through the wizard, the one-stop
officer receives it from the online queue, the specialist asks for a supplement from the
dossier page, the citizen answers it by uploading, the specialist forwards, the head approves,
the officer returns the result, and the citizen sees the finished dossier (its timeline, "why
this due time") and rates it. Each person works in their own browser context, as on their own
computer. Then the same journey in English, everyone on a 360 px phone.

It spans the portal and the workspace, so it lives here rather than in either app."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.catalog.importers import load_procedures
from motcua.catalog.models import Procedure
from motcua.org.models import Role, User
from motcua.processing.publishing import publish_process
from motcua.processing.tests.conftest import TAX_CODE, definition
from motcua.tests.browser import PHONE, Browser, open_browser
from motcua.tests.builders import Org, agency, build_org, pdf_bytes, staff

pytestmark = pytest.mark.browser

MARITAL = "1.004873"  # the catalogue's marital-status certificate: an e-form, uploads


@dataclass
class Journey:
    org: Org
    head: User
    scan: Path
    chromium: Any
    base_url: str
    others: list[Browser]

    def desk(self, user: User, *, locale: str = "vi-VN") -> Browser:
        """Another person's browser (their own context), signed in."""
        other = open_browser(self.chromium, self.base_url, locale=locale)
        self.others.append(other)
        other.sign_in(user.username, "/dang-nhap/")  # audits the page it lands on
        return other


@pytest.fixture
def journey(db, chromium, live_server, settings, tmp_path) -> Iterator[Journey]:
    settings.MEDIA_ROOT = tmp_path
    load_procedures(effective_from=dt.date(2025, 7, 1))  # the bundled real catalogue
    org = build_org()
    procedure = Procedure.objects.get(code=MARITAL)
    agency(TAX_CODE, "Chi cục Thuế khu vực Ninh Bình", "sector", org.province)  # a step's
    publish_process(procedure, definition(), effective_from=dt.date(2025, 7, 1))
    head = staff("head.a", "Đỗ Văn Trưởng", org.pc_a, Role.HEAD)
    scan = tmp_path / "can-cuoc.pdf"
    scan.write_bytes(pdf_bytes())
    world = Journey(org, head, scan, chromium, live_server.url, [])
    yield world
    for other in world.others:
        other.context.close()
        assert not other.problems, other.problems


def banner(page: Any) -> Any:
    return page.locator(".govuk-notification-banner")


def submit_online(browser: Browser, org: Org, scan: Path, words: dict[str, str]) -> str:
    """The citizen's wizard, from the procedure's page to the receipt; the dossier's code as
    the receipt shows it."""
    page = browser.page
    page.get_by_role("button", name=words["start"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["applicant"])
    browser.check()
    page.get_by_label(words["phone"]).fill("0912 345 678")
    page.get_by_label(words["address"]).fill("Số 12, đường Lê Lợi")
    page.get_by_label(words["commune"], exact=True).select_option(label="Phường Hoa Lư")
    page.get_by_role("button", name=words["continue"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["declaration"])
    browser.check()
    form = page.locator("#main-content form")
    for field_id, value in (("requester_relationship", "bản thân"),
                            ("full_name", "Nguyễn Văn An"), ("birth_date", "02/03/1995"),
                            ("ethnicity", "Kinh"), ("nationality", "Việt Nam"),
                            ("id_number", "037095001234"),
                            ("residence", "Số 12, đường Lê Lợi, phường Hoa Lư"),
                            ("marital_status", "Chưa đăng ký kết hôn với ai."),
                            ("purpose", "Để kết hôn.")):
        form.locator(f"[name={field_id}]").fill(value)
    form.locator("[name=sex]").select_option("nam")
    page.get_by_role("button", name=words["continue"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["components"])
    browser.check()
    id_card = page.get_by_role("group", name=re.compile("^Xuất trình: Hộ chiếu"))
    id_card.locator("input[type=file]").set_input_files(str(scan))
    expect(id_card.get_by_role("link", name="can-cuoc.pdf")).to_be_visible()
    browser.check()
    page.get_by_role("button", name=words["continue"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["return"])
    page.locator("select[name=agency]").select_option(label=org.center_a.name)
    browser.check()
    page.get_by_role("button", name=words["continue"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["review"])
    browser.check()
    page.locator("input[name=declaration]").check()
    page.get_by_role("button", name=words["submit"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["receipt"])
    browser.check()
    found = re.search(r"[0-9A-Z.]+-\d{6}-\d{4}", page.locator(".govuk-panel").inner_text())
    assert found, page.locator(".govuk-panel").inner_text()
    return found[0]


VI = {"start": "Bắt đầu", "applicant": "Người nộp hồ sơ", "phone": "Số điện thoại",
      "address": "Địa chỉ nơi cư trú", "commune": "Xã, phường", "continue": "Lưu và tiếp tục",
      "declaration": "Tờ khai", "components": "Thành phần hồ sơ",
      "return": "Nơi nhận kết quả", "review": "Kiểm tra và nộp", "submit": "Nộp hồ sơ",
      "receipt": "Đã nộp hồ sơ"}


DESK_VI = {"receive": "^Tiếp nhận", "received": "Hồ sơ {code} đã được tiếp nhận",
           "unit_queue": "^Hàng chờ của đơn vị", "take": "^Nhận",
           "taken": "Bạn đã nhận xử lý bước “Thẩm định hồ sơ” của hồ sơ {code}",
           "dossier": "Hồ sơ {code}", "supplement": "Yêu cầu bổ sung", "reason": "Lý do",
           "missing": "Giấy tờ còn thiếu hoặc cần sửa", "done": "Đã thực hiện",
           "asked": "Yêu cầu bổ sung", "forward": "Chuyển bước tiếp theo", "note": "Ghi chú",
           "approve": "Phê duyệt", "confirm": "Tôi xác nhận", "ready": "Đã xử lý xong",
           "code": "Mã hồ sơ", "returned": "Đã trả kết quả hồ sơ {code}"}
DESK_EN = {"receive": "^Receive", "received": "Dossier {code} is received.",
           "unit_queue": "^Unit queue", "take": "^Take",
           "taken": "You took the step “Thẩm định hồ sơ” of dossier {code}",
           "dossier": "Dossier {code}", "supplement": "Request a supplement",
           "reason": "Reason", "missing": "Documents missing or to correct", "done": "Done",
           "asked": "Supplement requested", "forward": "Forward to the next step",
           "note": "Note", "approve": "Approve", "confirm": "I confirm",
           "ready": "Processed, result ready", "code": "Dossier code",
           "returned": "The result of dossier {code} is returned."}


def receive_online(officer: Browser, code: str, w: dict[str, str]) -> None:
    """The one-stop officer receives the dossier from the online queue."""
    desk = officer.visit("/can-bo/ho-so-truc-tuyen/")
    item = desk.locator(".motcua-queue-item", has_text=code)
    expect(item).to_contain_text("Nguyễn Văn An")
    item.get_by_role("button", name=re.compile(w["receive"])).click()
    expect(banner(desk)).to_contain_text(w["received"].format(code=code))
    officer.check()


def ask_for_a_supplement(specialist: Browser, code: str, w: dict[str, str]) -> None:
    """The specialist takes the step from the unit's queue and asks for a supplement from the
    dossier page."""
    work = specialist.page
    specialist.visit("/can-bo/viec-can-lam/")
    work.get_by_role("link", name=re.compile(w["unit_queue"])).click()
    work.wait_for_url(re.compile(r"view=queue"))
    row = work.locator("tr, li", has_text=code).last
    row.get_by_role("button", name=re.compile(w["take"])).click()
    expect(banner(work)).to_contain_text(w["taken"].format(code=code))
    specialist.visit(f"/can-bo/ho-so/{code}/")
    expect(work.get_by_role("heading", level=1)).to_have_text(w["dossier"].format(code=code))
    work.locator("summary", has_text=w["supplement"]).click()
    form = work.locator("details[open] form")
    form.get_by_label(w["reason"], exact=True).fill("Thiếu giấy tờ chứng minh nơi cư trú")
    form.get_by_label(w["missing"]).fill("Giấy xác nhận cư trú")
    form.get_by_role("button", name=w["supplement"]).click()
    expect(banner(work)).to_contain_text(w["done"])
    expect(work.locator(".motcua-dossier-marks")).to_contain_text(w["asked"])
    specialist.check()


def forward_and_approve(specialist: Browser, head: Browser, code: str,
                        w: dict[str, str]) -> None:
    """The specialist forwards the step; the head approves."""
    work = specialist.visit(f"/can-bo/ho-so/{code}/")
    work.locator("summary", has_text=w["forward"]).click()
    work.locator("details[open] form").get_by_label(w["note"]).fill("Đủ điều kiện")
    work.locator("details[open] form").get_by_role("button", name=w["forward"]).click()
    expect(banner(work)).to_contain_text(f"{w['done']}: {w['forward']}.")
    expect(work.locator(".motcua-history")).to_contain_text("Phê duyệt")  # the next step's name
    specialist.check()

    approve = head.visit(f"/can-bo/ho-so/{code}/")
    approve.locator("summary", has_text=w["approve"]).click()
    approve.locator("details[open] form").get_by_label(w["confirm"]).check()
    approve.locator("details[open] form").get_by_role("button", name=w["approve"]).click()
    expect(banner(approve)).to_contain_text(f"{w['done']}: {w['approve']}.")
    expect(approve.locator(".motcua-dossier-marks")).to_contain_text(w["ready"])
    head.check()


def return_result(officer: Browser, code: str, w: dict[str, str]) -> None:
    """The officer returns the result at the counter, with the keyboard."""
    desk = officer.visit("/can-bo/tra-ket-qua/")
    desk.get_by_label(w["code"], exact=True).fill(code)
    desk.keyboard.press("Enter")
    item = desk.locator(".motcua-queue-item", has_text=code)
    item.get_by_label(w["note"]).fill("Ông An nhận trực tiếp")
    desk.keyboard.press("Enter")
    expect(banner(desk)).to_contain_text(w["returned"].format(code=code))
    officer.check()


def test_the_main_journey_from_the_wizard_to_the_rating(browser, journey):
    org = journey.org
    citizen = browser
    page = citizen.sign_in(org.citizen.username,
                           f"/dang-nhap/?next=/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    code = submit_online(citizen, org, journey.scan, VI)
    page.get_by_role("link", name="Xem hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(code)
    expect(page.locator("main .motcua-status")).to_have_text("Mới đăng ký")
    citizen.check()

    officer = journey.desk(org.officer_a)
    receive_online(officer, code, DESK_VI)
    specialist = journey.desk(org.specialist_a)
    ask_for_a_supplement(specialist, code, DESK_VI)

    # The citizen answers it by uploading what is missing.
    page = citizen.visit(f"/ho-so-cua-toi/{code}/")
    section = page.locator("#supplement")
    expect(section).to_contain_text("Giấy xác nhận cư trú")
    expect(section).to_contain_text("Thiếu giấy tờ chứng minh nơi cư trú")
    section.get_by_label("Đây là giấy tờ nào?").select_option(label="Giấy tờ khác")
    section.get_by_label("Tệp").set_input_files(str(journey.scan))
    section.get_by_role("button", name="Tải lên").click()
    expect(banner(page)).to_contain_text("“can-cuoc.pdf” đã được thêm")
    citizen.check()
    page.locator("#supplement").get_by_role("button", name="Gửi phần bổ sung").click()
    expect(banner(page)).to_contain_text("Đã gửi phần bổ sung")
    expect(page.locator("#timeline")).to_contain_text("Đã nhận giấy tờ bổ sung, hoàn thiện hồ sơ.")
    citizen.check()

    forward_and_approve(specialist, journey.desk(journey.head), code, DESK_VI)
    return_result(officer, code, DESK_VI)

    # The citizen sees the finished dossier, its timeline and why its due time, and rates it.
    page = citizen.visit(f"/ho-so-cua-toi/{code}/")
    expect(page.locator("main .motcua-status")).to_have_text("Đã trả kết quả")
    timeline = page.locator("#timeline")
    for line in ("Bạn đã nộp hồ sơ trực tuyến.", "Đã nhận giấy tờ bổ sung, hoàn thiện hồ sơ.",
                 "Ủy ban nhân dân phường Hoa Lư đã phê duyệt hồ sơ.",
                 f"Kết quả đã được trả cho bạn tại {org.center_a.name}."):
        expect(timeline).to_contain_text(line)
    why = page.locator(".motcua-due-explanation")
    expect(why.get_by_role("heading")).to_have_text("Vì sao có hạn này")
    why.locator("summary").click()
    expect(why).to_contain_text("ngày làm việc")
    citizen.check()
    rating = page.locator("#rating")
    rating.get_by_label("Hài lòng", exact=True).check()
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(banner(page)).to_contain_text("đánh giá của bạn đã được ghi nhận")
    expect(page.locator("#rating")).to_contain_text("bạn đã đánh giá: hài lòng")
    citizen.check()


EN = {"start": "Start now", "applicant": "Who is applying", "phone": "Phone number",
      "address": "Address of residence", "commune": "Commune or ward", "continue":
      "Save and continue", "declaration": "Declaration", "components": "Documents",
      "return": "Where to receive the result",
      "review": "Check and submit", "submit": "Submit the dossier", "receipt": "Dossier submitted"}


def test_the_same_journey_in_english_on_a_phone(browser, journey):
    """Everyone's pages in English, 360 px wide: the citizen switches language on the site,
    the staff's browsers ask for English."""
    org = journey.org
    citizen = browser
    citizen.phone()
    page = citizen.sign_in(org.citizen.username,
                           f"/dang-nhap/?next=/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    code = submit_online(citizen, org, journey.scan, EN)
    assert citizen.scroll_width() <= PHONE["width"]

    def desk(user: User) -> Browser:
        other = journey.desk(user, locale="en-US")
        other.phone()
        expect(other.page.locator("html")).to_have_attribute("lang", "en")
        return other

    officer = desk(org.officer_a)
    receive_online(officer, code, DESK_EN)
    specialist = desk(org.specialist_a)
    ask_for_a_supplement(specialist, code, DESK_EN)
    for staff_browser in (officer, specialist):
        assert staff_browser.scroll_width() <= PHONE["width"]

    page = citizen.visit(f"/ho-so-cua-toi/{code}/")
    section = page.locator("#supplement")
    expect(section.get_by_role("heading", level=2)).to_have_text("Complete your dossier")
    section.get_by_label("Which document is it?").select_option(index=1)
    section.get_by_label("File").set_input_files(str(journey.scan))
    section.get_by_role("button", name="Upload").click()
    expect(banner(page)).to_contain_text("“can-cuoc.pdf” was added")
    page.locator("#supplement").get_by_role("button", name="Send the supplement").click()
    expect(banner(page)).to_contain_text("Your supplement was sent.")
    assert citizen.scroll_width() <= PHONE["width"]
    citizen.check()

    forward_and_approve(specialist, desk(journey.head), code, DESK_EN)
    return_result(officer, code, DESK_EN)
    for staff_browser in journey.others:
        assert staff_browser.scroll_width() <= PHONE["width"]

    page = citizen.visit(f"/ho-so-cua-toi/{code}/")
    expect(page.locator("main .motcua-status")).to_have_text("Result returned")
    for line in ("You submitted the dossier online.",
                 "The documents that completed the dossier were received.",
                 "Ủy ban nhân dân phường Hoa Lư approved the dossier.",
                 f"The result was returned to you by {org.center_a.name}."):
        expect(page.locator("#timeline")).to_contain_text(line)
    why = page.locator(".motcua-due-explanation")
    expect(why.get_by_role("heading")).to_have_text("Why this due time")
    why.locator("summary").click()
    expect(why).to_contain_text("working day")
    assert citizen.scroll_width() <= PHONE["width"]
    citizen.check()
    rating = page.locator("#rating")
    rating.get_by_label("Dissatisfied", exact=True).check()
    rating.get_by_role("button", name="Send the rating").click()
    expect(page.locator("#id_reason-error")).to_contain_text("Say why you are dissatisfied.")
    citizen.check()
    page.locator("#rating").get_by_label("Why?").fill("Phải bổ sung giấy tờ hai lần")
    page.locator("#rating").get_by_role("button", name="Send the rating").click()
    expect(banner(page)).to_contain_text("your rating was recorded")
    expect(page.locator("#rating")).to_contain_text("you said you were dissatisfied")
    assert citizen.scroll_width() <= PHONE["width"]
    citizen.check()
