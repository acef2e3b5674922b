"""Issue 13's journey, chained, in a real browser (Debian's Chromium; axe-core audits every page,
motcua/tests/browser.py), each person in their own browser context:

- the one-stop officer digitizes a paper dossier at the counter (an identity card scanned as a
  JPEG), and the background worker (`db_worker`) signs the electronic copy as the one-stop unit;
- the leader marks the result ready and signs it from the dossier page;
- the citizen finds the result in their data store, downloads it, reads its QR code (poppler's
  pdftoppm and zbarimg, as a phone would) and opens the verification page at that address;
- the citizen's next online dossier reuses the result and the signed copy instead of uploads.

It spans the portal, the workspace and the worker, so it lives here rather than in one app."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from motcua.catalog.importers import load_procedures
from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.models import ComponentSource, Dossier
from motcua.dossiers.tests.factories import person, submission
from motcua.org.models import Role
from motcua.records import certificates, files, verification
from motcua.records.models import (
    DigitizedCopy,
    DossierDigitization,
    ResultDocument,
    ResultState,
    Reuse,
    StoreItem,
)
from motcua.records.models.store import Origin
from motcua.records.tests.conftest import dev_ca, image_bytes  # noqa: F401 - a fixture
from motcua.tests.browser import open_browser
from motcua.tests.builders import build_org, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                       reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)"),
]

MARITAL = "1.004873"  # its result, a marital-status certificate, is asked for again later
ID_CARD = 5  # "Xuất trình: Hộ chiếu/Thẻ CCCD/…"
EARLIER_CERTIFICATE = 2  # "Giấy xác nhận tình trạng hôn nhân đã cấp trước đó (…)"


def qr_address(pdf: Path, folder: Path) -> str:
    """What a phone reads from the document's QR code (its first page)."""
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(pdf),
                    str(folder / "page")], check=True)
    page = next(folder.glob("page*.png"))
    read = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                           str(page)], capture_output=True, text=True, check=True)
    return read.stdout.strip()


def continue_(page) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_digitized_signed_stored_verified_and_reused(browser, chromium, live_server, sandbox,
                                                     dev_ca, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = live_server.url  # the address the QR code carries
    load_procedures(effective_from=dt.date(2025, 7, 1))  # the bundled real catalogue
    org = build_org()
    leader = staff("leader.a", "Đinh Văn Hải", org.pc_a, Role.LEADER)
    for agency in (org.center_a, org.pc_a):  # the development CA's certificates
        certificates.issue_for(agency)
    version = Procedure.objects.get(code=MARITAL).versions.get()
    paper = [actions.ComponentInput(requirement_id=r.id, is_paper=True)
             for r in version.components.filter(required=True, condition="")]
    d = actions.intake_at_counter(submission(
        org, Procedure.objects.get(code=MARITAL), channel=1, components=paper,
        applicant=person(commune_code=org.commune_a.code)), officer=org.officer_a)
    id_card = d.components.get(requirement__position=ID_CARD)
    scan = tmp_path / "cccd.jpg"
    scan.write_bytes(image_bytes("JPEG"))
    others = []

    # The counter: the receipt page digitizes the identity card handed in on paper.
    officer = browser
    page = officer.sign_in(org.officer_a.username, f"/dang-nhap/?next=/can-bo/tiep-nhan/{d.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    row = page.locator(f"#digitize-component-{id_card.pk}")
    row.locator("summary", has_text="Số hóa thành phần này").click()
    row.get_by_label("Tệp quét (PDF, JPEG hoặc PNG)").set_input_files(str(scan))
    expect(row.get_by_label("Loại giấy tờ")).to_have_value("identity-card")
    row.get_by_label("Số giấy tờ").fill("037095001234")
    row.get_by_label("Cơ quan cấp").fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    row.get_by_label("Ngày cấp").fill("01/07/2024")
    officer.check()
    row.get_by_role("button", name="Lưu bản điện tử").click()
    expect(page.locator("#main-content")).to_contain_text("đã được số hóa")
    expect(row).to_contain_text("Đã số hóa")
    officer.check()

    # The worker signs the copy as the one-stop unit (the task its digitization enqueued).
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    copy = DigitizedCopy.objects.get()
    assert copy.signed_at is not None and copy.signer_agency == org.center_a
    page.reload()
    expect(page.locator(f"#digitize-component-{id_card.pk}")).to_contain_text("Đã ký số")
    officer.check()

    # The specialist starts processing; the leader marks the result ready and signs it from
    # the dossier page (the worker has not got to it: the leader does not wait for it).
    actions.perform(Dossier.objects.get(pk=d.pk), "start_processing", org.specialist_a)
    desk = open_browser(chromium, live_server.url)
    others.append(desk)
    work = desk.sign_in(leader.username, f"/dang-nhap/?next=/can-bo/ho-so/{d.code}/")
    expect(work.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {d.code}")
    work.locator("summary", has_text="Xác nhận đã có kết quả giải quyết").click()
    ready = work.locator("details[open] form")
    ready.get_by_label(re.compile("^Tôi xác nhận")).check()
    ready.get_by_role("button", name="Xác nhận đã có kết quả giải quyết").click()
    results = work.locator("#signed-results")
    expect(results).to_be_visible()
    expect(work.locator(".motcua-signed-result")).to_contain_text("Chờ ký số")
    desk.check()
    work.get_by_role("button", name="Ký số kết quả").click()
    expect(work.locator(".govuk-notification-banner")).to_contain_text("đã được ký số")
    expect(work.locator(".motcua-signed-result")).to_contain_text("Đã ký số")
    desk.check()
    result = ResultDocument.objects.get()
    assert result.state == ResultState.SIGNED and result.approved_by == leader
    state = DossierDigitization.objects.get(dossier=d)
    assert state.signed_components == 1 and state.result_signed_at == result.signed_at

    # The citizen: the result is in their data store; downloaded, it is the signed PDF.
    citizen = open_browser(chromium, live_server.url)
    others.append(citizen)
    page = citizen.sign_in(org.citizen.username, "/dang-nhap/?next=/kho-du-lieu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kho dữ liệu của tôi")
    item = StoreItem.objects.get(origin=Origin.RESULT)
    listed = page.locator("li.motcua-result", has_text=result.number)
    expect(listed).to_contain_text("Kết quả giải quyết hồ sơ")
    citizen.check()
    with page.expect_download() as downloaded:
        listed.get_by_role("link", name=re.compile("^Giấy xác nhận tình trạng hôn nhân")).click()
    saved = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(saved)
    data = saved.read_bytes()
    assert saved.name == f"ket-qua-{result.number.replace('/', '-')}.pdf"
    assert data == result.file.open("rb").read() and item.blob.sha256 == result.sha256
    assert verification.verify_pdf(data).valid
    with files.open_blob(copy.signed_blob) as f:
        assert verification.verify_pdf(f.read()).valid  # the signed copy is there too
    expect(page.locator("li.motcua-result", has_text="037095001234")).to_be_visible()

    # … and verified by the address its QR code carries, as a phone reads it.
    address = qr_address(saved, tmp_path)
    assert address == f"{live_server.url}/xac-thuc/{result.public_id}/"
    page = citizen.visit(address.removeprefix(live_server.url))
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#main-content")).to_contain_text(result.number)
    expect(page.locator("#main-content")).to_contain_text(org.pc_a.name)
    citizen.check()

    # The next online dossier: the earlier certificate and the identity card come from the
    # data store, without an upload.
    page = citizen.visit(f"/thu-tuc/{MARITAL}/")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ nơi cư trú").fill("Số 12, đường Lê Lợi")
    page.get_by_label("Xã, phường", exact=True).select_option(label="Phường Hoa Lư")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai")
    form = page.locator("#main-content form")
    for field_id, value in (("requester_relationship", "bản thân"),
                            ("full_name", "Nguyễn Văn An"), ("birth_date", "02/03/1995"),
                            ("ethnicity", "Kinh"), ("nationality", "Việt Nam"),
                            ("id_number", "037095001234"),
                            ("residence", "Số 12, đường Lê Lợi, phường Hoa Lư"),
                            ("marital_status", "Chưa đăng ký kết hôn với ai."),
                            ("purpose", "Để đăng ký kết hôn.")):
        form.locator(f"[name={field_id}]").fill(value)
    form.locator("[name=sex]").select_option("nam")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành phần hồ sơ")
    earlier = page.get_by_role("group", name=re.compile("^Giấy xác nhận tình trạng hôn nhân"))
    earlier.get_by_label(re.compile(
        "^Lấy từ kho dữ liệu của tôi: Giấy xác nhận tình trạng hôn nhân")).check()
    page.get_by_role("group", name=re.compile("^Xuất trình: Hộ chiếu")).get_by_label(
        re.compile("^Lấy từ kho dữ liệu của tôi")).check()
    citizen.check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nơi nhận kết quả")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và nộp")
    citizen.check()
    page.get_by_label(re.compile("^Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    citizen.check()
    online = Dossier.objects.exclude(pk=d.pk).get()
    reused = {r.component.requirement.position: r.item for r in
              Reuse.objects.filter(dossier=online).select_related("component__requirement")}
    assert reused == {EARLIER_CERTIFICATE: item,
                      ID_CARD: StoreItem.objects.get(origin=Origin.DIGITIZED)}
    for position in reused:
        component = online.components.get(requirement__position=position)
        assert component.source == ComponentSource.REUSED and not component.files.exists()
    assert item.valid_on(timezone.localdate())

    for other in others:
        other.context.close()
        assert not other.problems, other.problems
