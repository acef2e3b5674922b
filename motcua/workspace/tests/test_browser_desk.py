"""The staff workspace's desk in a real browser (Debian's Chromium, headless; every page is
audited with axe-core, motcua/tests/browser.py): an officer processes a received dossier
through its steps from the worklist and the dossier page, a head approves it, the wrong people
see no action and a forged submission is refused, a head reassigns a step from the unit
overview; in English on a 360 px phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Status
from motcua.org.models import Role
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.tests.builders import staff

pytestmark = pytest.mark.browser


def sign_out(browser) -> None:
    browser.page.get_by_role("button", name=re.compile("^Đăng xuất")).click()
    expect(browser.page.locator(".govuk-notification-banner")).to_contain_text("đăng xuất")


def banner(page):
    return page.locator(".govuk-notification-banner")


def forge_post(browser, url: str, fields: dict[str, str]) -> None:
    """Send a form the page never offered (as a person could, with the page's CSRF token),
    and wait for the answer's page."""
    page = browser.page
    with page.expect_navigation():
        page.evaluate("""([url, fields]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = url;
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            for (const [name, value] of Object.entries({...fields, csrfmiddlewaretoken: token})) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""", [url, fields])
    page.wait_for_load_state("load")
    # the console's report of the page's own status is expected
    browser.problems = [p for p in browser.problems if "Failed to load resource" not in p]


def test_an_officer_processes_a_received_dossier_through_its_steps(browser, world, clock):
    d = world.receive()
    browser.sign_in(world.org.specialist_a.username, "/dang-nhap/")
    page = browser.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    assert page.url.endswith("/can-bo/viec-can-lam/")
    browser.check()

    # The unit's queue (htmx swaps the list and pushes the address), then take the step.
    page.get_by_role("link", name=re.compile("^Hàng chờ của đơn vị")).click()
    page.wait_for_url(re.compile(r"view=queue"))
    row = page.locator(f"#step-{world.open_step(d).pk}")
    expect(row).to_contain_text(d.code)
    browser.check()
    # a search keeps the view chosen (the form's hidden view followed the tab)
    page.get_by_label("Mã hồ sơ").fill("000.99")
    page.wait_for_url(re.compile(r"view=queue&q=000\.99"))
    expect(page.locator("#worklist")).to_contain_text("Không có bước nào phù hợp với bộ lọc")
    page.get_by_label("Mã hồ sơ").fill(d.code)
    page.wait_for_url(re.compile(r"view=queue&q="))
    expect(row).to_contain_text(d.code)
    row.get_by_role("button", name=re.compile("^Nhận")).click()
    expect(banner(page)).to_contain_text(f"Bạn đã nhận xử lý bước “Thẩm định hồ sơ” của hồ sơ "
                                         f"{d.code}")
    browser.check()

    # Mine: the dossier's page.
    page.get_by_role("link", name=re.compile("^Của tôi")).click()
    page.wait_for_url(re.compile(r"view=mine"))
    page.get_by_role("link", name=d.code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {d.code}")
    browser.check()

    # A supplement request: nothing listed is refused next to the field, then sent.
    page.locator("summary", has_text="Yêu cầu bổ sung").click()
    form = page.locator("details[open] form")
    form.get_by_label("Lý do").fill("Thiếu giấy tờ chứng minh")
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Liệt kê mọi giấy tờ")
    form = page.locator("details[open] form")
    expect(form.get_by_label("Lý do")).to_have_value("Thiếu giấy tờ chứng minh")
    browser.check()
    form.get_by_label("Giấy tờ còn thiếu hoặc cần sửa").fill("Bản sao CCCD\nGiấy xác nhận cư trú")
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(banner(page)).to_contain_text("Đã thực hiện")
    expect(page.get_by_role("link", name=re.compile("^Mẫu 02"))).to_be_visible()
    expect(page.locator(".motcua-dossier-marks")).to_contain_text("Yêu cầu bổ sung")
    browser.check()

    # The applicant answers at the counter; the officer forwards the step with a note.
    clock("14:00 16/11/2026")
    actions.perform(Dossier.objects.get(pk=d.pk), "receive_supplement", world.org.officer_a,
                    note="Đã bổ sung đủ")
    page.reload()
    page.locator("summary", has_text="Chuyển bước tiếp theo").click()
    page.locator("details[open] form").get_by_label("Ghi chú").fill("Đủ điều kiện")
    page.locator("details[open] form").get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(banner(page)).to_contain_text("Đã thực hiện: Chuyển bước tiếp theo.")
    expect(page.locator(".motcua-history")).to_contain_text("Phê duyệt")
    browser.check()
    sign_out(browser)

    # The head approves from their worklist: confirmed, the result is ready.
    browser.sign_in(world.head_a.username, "/dang-nhap/")
    page.get_by_role("link", name=re.compile("^Hàng chờ của đơn vị")).click()
    page.wait_for_url(re.compile(r"view=queue"))
    page.get_by_role("link", name=d.code).click()
    page.locator("summary", has_text="Phê duyệt").click()
    form = page.locator("details[open] form")
    form.get_by_role("button", name="Phê duyệt").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Đánh dấu ô để xác nhận")
    browser.check()
    page.locator("details[open] form").get_by_label("Tôi xác nhận").check()
    page.locator("details[open] form").get_by_role("button", name="Phê duyệt").click()
    expect(banner(page)).to_contain_text("Đã thực hiện: Phê duyệt.")
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY
    browser.check()


def test_the_wrong_people_see_no_action_and_a_forged_submission_is_refused(browser, world,
                                                                          clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    auditor = staff("auditor.tinh", "Kiểm Tra Viên", world.org.department, Role.AUDITOR)

    browser.sign_in(auditor.username, "/dang-nhap/")
    page = browser.visit(f"/can-bo/ho-so/{d.code}/")
    expect(page.locator("#main-content")).to_contain_text(
        "Hiện bạn không có thao tác nào trên hồ sơ này")
    expect(page.locator("#main-content form")).to_have_count(0)
    forge_post(browser, f"/can-bo/ho-so/{d.code}/hanh-dong/request_stop/",
               {"request_stop-once": "forged", "request_stop-reason": "Giả mạo"})
    expect(page.locator(".govuk-error-summary")).to_contain_text("Bạn không có quyền")
    browser.check()
    sign_out(browser)

    # Another specialist of the unit: the step is not theirs, so none of its actions shows.
    browser.sign_in(world.specialist_a2.username, "/dang-nhap/")
    page = browser.visit(f"/can-bo/ho-so/{d.code}/")
    expect(page.locator(f"[action*='/buoc/{step.pk}/']")).to_have_count(0)
    forge_post(browser, f"/can-bo/ho-so/{d.code}/buoc/{step.pk}/forward/",
               {f"step{step.pk}-forward-once": "forged", f"step{step.pk}-forward-note": "x"})
    expect(page.locator(".govuk-error-summary")).to_contain_text("Chỉ người được phân công")
    browser.check()
    assert StepInstance.objects.get(pk=step.pk).finished_at is None


def test_a_head_reassigns_a_step_from_the_unit_overview(browser, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    browser.sign_in(world.head_a.username, "/dang-nhap/")
    page = browser.page
    page.get_by_role("link", name="Tổng quan đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan đơn vị")
    browser.check()
    row = page.locator(f"#step-{step.pk}")
    row.get_by_label(re.compile("^Giao lại cho")).select_option(label="Ngô Minh Tâm")
    row.get_by_role("button", name=re.compile("^Giao")).click()
    expect(banner(page)).to_contain_text("đã được giao cho Ngô Minh Tâm")
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("Ngô Minh Tâm")
    browser.check()
    assert StepInstance.objects.get(pk=step.pk).assignee == world.specialist_a2


def test_in_english_on_a_360_px_phone(browser, world, clock):
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a)
    browser.sign_in(world.head_a.username, "/dang-nhap/")  # a head may act on any step of the unit
    page = browser.page
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    browser.phone()
    for path, heading in (("/can-bo/viec-can-lam/", "Worklist"),
                          (f"/can-bo/ho-so/{d.code}/", f"Dossier {d.code}"),
                          ("/can-bo/don-vi/", "Unit overview")):
        page = browser.visit(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert browser.scroll_width() <= 360, f"{path} scrolls sideways"
    page = browser.visit(f"/can-bo/ho-so/{d.code}/")
    expect(page.locator("#actions")).to_have_text("What you can do")
    page.locator("summary", has_text="Forward to the next step").click()
    expect(page.locator("details[open] form").get_by_label("Note")).to_be_visible()
    assert browser.scroll_width() <= 360
    browser.check()
