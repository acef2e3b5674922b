"""`make screenshots`, the staff's pages: PNG screenshots of the workspace into
$SCREENSHOTS_DIR (docs/screenshots/), desk-sized (the whole page) and a few on a 360 px phone
(their first screen), with the browser tests' Chromium on the tests' small province (the
processing tests' world, the index tests' November dossiers) at a fixed clock. Skipped unless
SCREENSHOTS_DIR is set; every page is audited with axe like any browser test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from motcua.org.models import Role
from motcua.petitions import actions as petition_actions
from motcua.petitions.models import Topic
from motcua.reporting.tests.conftest import step_action
from motcua.tests.browser import DESKTOP, PHONE, open_browser
from motcua.tests.builders import PASSWORD, staff
from motcua.workspace.tests.one_stop import at, online, person, to_route

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="make screenshots"),
]


def test_screenshots_of_the_workspace(chromium, live_server, world, november, clock, settings,
                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    org = world.org
    # Friday 20/11/2026 afternoon: D2's approval is overdue; an online dossier waits to be
    # received, another to be routed; a result waits to be returned; a petition to be answered.
    online(org, world.procedure, at("08:30 20/11/2026"),
           applicant=person(name="Hoàng Thị Lan", id_number="036198004321",
                            commune_code=org.commune_a.code), account=org.other_citizen)
    to_route(org, world.procedure, "09:00 20/11/2026")
    ready = world.receive("09:30 19/11/2026")
    step_action(ready, org.specialist_a, "forward", "10:00 20/11/2026")
    step_action(ready, world.head_a, "approve", "11:00 20/11/2026")
    open_one = world.receive("13:00 20/11/2026")
    petition_actions.file_petition(org.citizen, text="Trả kết quả chậm so với giấy hẹn",
                                   topic=Topic.CONDUCT, dossier=november["D1"],
                                   now=at("09:00 23/11/2026"))
    clock("15:00 23/11/2026")
    auditor = staff("auditor.tinh", "Phạm Kiểm Toán", org.province_center, Role.AUDITOR)

    desks = {
        world.head_a: {
            "workspace-worklist": "/can-bo/viec-can-lam/?view=queue",
            "workspace-dossier": f"/can-bo/ho-so/{november['D2'].code}/",
            "workspace-unit": "/can-bo/don-vi/",
            "workspace-petitions": "/can-bo/phan-anh/",
        },
        org.officer_a: {
            "workspace-counter": "/can-bo/tiep-nhan/?procedure=1.004873",
            "workspace-intake-queue": "/can-bo/ho-so-truc-tuyen/",
            "workspace-dispatch": "/can-bo/dieu-phoi/",
            "workspace-returns": "/can-bo/tra-ket-qua/",
        },
        auditor: {"workspace-dashboard": "/can-bo/chi-so/?timeType=month&month=11&year=2026"},
    }
    phone_too = {"workspace-worklist", "workspace-dossier", "workspace-counter"}
    for user, pages in desks.items():
        desk = open_browser(chromium, live_server.url)
        desk.context.set_default_timeout(30_000)  # a busy machine: pictures, not timings
        try:
            page = desk.visit("/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill(user.username)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập", exact=True).click()
            page.wait_for_load_state("load")
            for viewport, suffix, full in ((DESKTOP, "desktop", True), (PHONE, "phone", False)):
                page.set_viewport_size(viewport)
                for name, path in pages.items():
                    if suffix == "phone" and name not in phone_too:
                        continue
                    desk.visit(path)
                    if name == "workspace-dashboard":  # chart.js has drawn
                        page.wait_for_function(
                            "document.getElementById('chart-trend').width > 0")
                    page.screenshot(path=str(out / f"{name}-{suffix}.png"), full_page=full,
                                    animations="disabled")
            assert not desk.problems, desk.problems
        finally:
            desk.context.close()
    assert open_one.code  # its step waits in the unit's queue: the worklist shows it
