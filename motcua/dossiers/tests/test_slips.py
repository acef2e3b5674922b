"""The official slips (Forms 01–06 of Circular 03/2025/TT-VPCP) rendered to PDF and read back."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from motcua.core.errors import DomainError
from motcua.dossiers import letters
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierComponent,
    DossierEvent,
    Handover,
    Status,
    SupplementRequest,
)
from motcua.dossiers.slips import FORMS, SlipNotApplicable, format_dt, render_html, render_slip
from motcua.dossiers.slips.context import SlipData, form_06
from motcua.dossiers.slips.formatting import legal_date, place_date_line
from motcua.org.models import Role
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_URL = "https://dichvucong.ninhbinh.gov.vn"


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


def make_dossier(org, procedure, **fields) -> Dossier:
    values = {
        "code": "000.01.20.H40-260212-0007",
        "procedure": procedure,
        "procedure_version": procedure.versions.get(),
        "channel": 1,
        "status": Status.PROCESSING,
        "receiving_agency": org.center_a,
        "handling_agency": org.pc_a,
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "037095001234",
        "applicant_phone": "0912345678",
        "applicant_email": "an.nguyen@example.vn",
        "applicant_address": "Số 12 đường Trần Hưng Đạo",
        "applicant_commune": org.commune_a,
        "submitted_at": vn(2026, 2, 12, 14, 0),
        "received_at": vn(2026, 2, 12, 14, 5),
        "counted_from": vn(2026, 2, 12, 14, 5),
        "due_at": vn(2026, 2, 25, 16, 30),
    }
    values.update(fields)
    return Dossier.objects.create(**values)


def event(dossier, at, action, *, to=None, frm=None, agency=None, actor=None, actor_name="",
          reason=""):
    return DossierEvent.objects.create(
        dossier=dossier, at=at, action=action, from_status=frm, to_status=to, agency=agency,
        actor=actor, actor_name=actor_name, reason=reason,
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def assert_common(text: str, dossier: Dossier) -> None:
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert dossier.applicant_name in text
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in text
    assert "1.004873" in text


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_BASE_URL = BASE_URL
    # Autouse runs before `org`, whose six accounts would otherwise take ~3 s of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- formatting ------------------------------------------------------------------------------


def test_format_dt_is_local_time():
    assert format_dt(datetime(2026, 2, 12, 7, 5, tzinfo=ZoneInfo("UTC"))) == "14:05 12/02/2026"
    assert format_dt(vn(2026, 12, 31, 23, 59)) == "23:59 31/12/2026"
    with pytest.raises(ValueError):
        format_dt(datetime(2026, 2, 12, 14, 5))


def test_place_date_line_follows_decree_30():
    # Leading zero for days below 10 and for months 1 and 2 only (Decree 30/2020/NĐ-CP).
    feb = place_date_line("Ninh Bình", vn(2026, 2, 12, 9))
    assert feb == "Ninh Bình, ngày 12 tháng 02 năm 2026"
    assert legal_date(vn(2026, 3, 5).date()) == "ngày 05 tháng 3 năm 2026"
    assert legal_date(vn(2026, 11, 20).date()) == "ngày 20 tháng 11 năm 2026"
    # 23:30 UTC is already the next day in Việt Nam.
    late = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert place_date_line("Ninh Bình", late) == "Ninh Bình, ngày 01 tháng 02 năm 2026"


# -- Form 01 ---------------------------------------------------------------------------------


def test_form_01_receipt_and_appointment(org, procedure):
    dossier = make_dossier(org, procedure)
    DossierComponent.objects.create(dossier=dossier, name="Tờ khai theo mẫu", copies=1)
    DossierComponent.objects.create(
        dossier=dossier, name="Giấy tờ chứng minh tình trạng hôn nhân", copies=2
    )
    # as the counter intake records it: the intake, then the receipt by the officer
    event(dossier, dossier.submitted_at, "intake", to=Status.SUBMITTED, actor_name="Lê Văn Hùng")
    event(dossier, dossier.received_at, "receive", frm=Status.SUBMITTED, to=Status.RECEIVED,
          actor=org.officer_a, actor_name="Trần Thị Mai")

    text = pdf_text(render_slip(dossier, "01"))

    assert_common(text, dossier)
    assert "Mẫu số 01" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HOA LƯ" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HOA LƯ" in text
    assert "Ninh Bình, ngày 12 tháng 02 năm 2026" in text
    assert "Thành phần hồ sơ nộp gồm" in text
    assert "Tờ khai theo mẫu" in text
    assert "Giấy tờ chứng minh tình trạng hôn nhân" in text
    assert "Thời gian nhận hồ sơ: 14:05 12/02/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 16:30 25/02/2026" in text
    assert "03 ngày làm việc" in text
    assert "Trần Thị Mai" in text and "Lê Văn Hùng" not in text  # the receiving officer
    assert "Số 12 đường Trần Hưng Đạo, Phường Hoa Lư, Ninh Bình" in text
    assert f"{BASE_URL}/tra-cuu/{dossier.code}" in text


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REFUSED, Status.SUPPLEMENT])
def test_form_01_only_for_a_received_dossier(org, procedure, status):
    dossier = make_dossier(
        org, procedure, channel=2, status=status, received_at=None, counted_from=None,
        due_at=None,
    )
    with pytest.raises(SlipNotApplicable) as caught:
        render_slip(dossier, "01")
    assert caught.value.code == "slip_not_applicable"
    assert caught.value.extra == {"form": "01"}


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm (Debian poppler-utils) and zbarimg (Debian zbar-tools)",
)
def test_form_01_qr_decodes_to_tracking_url(org, procedure, tmp_path):
    dossier = make_dossier(org, procedure)
    pdf = tmp_path / "01.pdf"
    pdf.write_bytes(render_slip(dossier, "01"))
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=30)
    page = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == f"{BASE_URL}/tra-cuu/{dossier.code}"


# -- Form 02 ---------------------------------------------------------------------------------


def test_form_02_lists_everything_missing_of_the_latest_request(org, procedure):
    dossier = make_dossier(org, procedure, status=Status.SUPPLEMENT)
    SupplementRequest.objects.create(
        dossier=dossier, requested_at=vn(2026, 2, 13, 9, 0), requested_by=org.officer_a,
        items=[{"name": "Bản cũ", "note": ""}], reason="Yêu cầu cũ",
    )
    SupplementRequest.objects.create(
        dossier=dossier, requested_at=vn(2026, 2, 13, 10, 20), requested_by=org.officer_a,
        items=[
            {"name": "Tờ khai theo mẫu", "note": "Thiếu chữ ký của người yêu cầu"},
            {"name": "Giấy tờ chứng minh tình trạng hôn nhân", "note": "Bản sao có chứng thực"},
        ],
        reason="Hồ sơ chưa đầy đủ theo quy định",
    )

    text = pdf_text(render_slip(dossier, "02"))

    assert_common(text, dossier)
    assert "Mẫu số 02" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau" in text
    assert "1 Tờ khai theo mẫu Thiếu chữ ký của người yêu cầu" in text
    assert "2 Giấy tờ chứng minh tình trạng hôn nhân Bản sao có chứng thực" in text
    assert "Lý do: Hồ sơ chưa đầy đủ theo quy định" in text
    assert "10:20 13/02/2026" in text
    assert "Ninh Bình, ngày 13 tháng 02 năm 2026" in text
    assert "Trần Thị Mai" in text
    assert "Bản cũ" not in text and "Yêu cầu cũ" not in text
    # after receipt: issued in the competent (handling) agency's name
    assert "Cơ quan giải quyết hồ sơ: Ủy ban nhân dân phường Hoa Lư" in text
    assert "tại Ủy ban nhân dân phường Hoa Lư để được hướng dẫn" in text


def test_form_02_before_receipt_is_the_receiving_centres(org, procedure):
    dossier = make_dossier(org, procedure, channel=2, status=Status.SUPPLEMENT, received_at=None,
                           due_at=None)
    SupplementRequest.objects.create(
        dossier=dossier, requested_at=vn(2026, 2, 12, 15, 0), requested_by=org.officer_a,
        items=[{"name": "Tờ khai theo mẫu", "note": "Thiếu chữ ký"}], before_receipt=True,
    )
    text = pdf_text(render_slip(dossier, "02"))
    assert "Cơ quan giải quyết hồ sơ" not in text
    assert "tại Trung tâm Phục vụ hành chính công phường Hoa Lư để được hướng dẫn" in text


# -- Form 03 ---------------------------------------------------------------------------------


def test_form_03_refusal_with_reason(org, procedure):
    dossier = make_dossier(org, procedure, channel=2, status=Status.REFUSED, received_at=None,
                           due_at=None)
    event(dossier, vn(2026, 2, 12, 15, 40), "refuse", frm=Status.SUBMITTED, to=Status.REFUSED,
          agency=org.center_a, actor=org.officer_a, actor_name="Trần Thị Mai",
          reason="Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường.")

    text = pdf_text(render_slip(dossier, "03"))

    assert_common(text, dossier)
    assert "Mẫu số 03" in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau" in text
    assert "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường." in text
    assert "15:40 12/02/2026" in text
    assert "Trần Thị Mai" in text


def test_form_03_refusal_to_resolve_after_appraisal(org, procedure):
    dossier = make_dossier(org, procedure, channel=1, status=Status.RESULT_READY)
    dossier.outcome = "refusal"
    dossier.save()
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    event(dossier, vn(2026, 2, 13, 10, 5), "refuse_on_merits", frm=Status.PROCESSING,
          to=Status.RESULT_READY, agency=org.pc_a, actor=head, actor_name="Đỗ Minh Tâm",
          reason="Người yêu cầu không đủ điều kiện theo Điều 18 Luật Hộ tịch.")

    text = pdf_text(render_slip(dossier, "03"))

    assert "Mẫu số 03" in text and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "thẩm định" in text and "thông báo không giải quyết hồ sơ này" in text
    assert "không tiếp nhận, giải quyết" not in text
    assert org.pc_a.name in text and "Điều 18 Luật Hộ tịch" in text
    assert "10:05 13/02/2026" in text and "Đỗ Minh Tâm" in text


# -- Form 04 ---------------------------------------------------------------------------------


def test_form_04_apology_and_new_appointment(org, procedure):
    dossier = make_dossier(org, procedure)
    leader = staff("leader.a", "Đinh Công Lý", org.pc_a, Role.LEADER)
    issued = vn(2026, 2, 24, 9, 15)
    Apology.objects.create(
        dossier=dossier, issued_at=issued, issued_by=org.specialist_a,
        reason="Cần xác minh thông tin cư trú tại địa phương khác.",
        old_due_at=vn(2026, 2, 25, 16, 30), new_due_at=vn(2026, 3, 3, 10, 0),
    )
    letter = letters.issue(dossier, letters.APOLOGY, issued)
    assert letter.signer == leader and letter.notation == "1/UBND-MC"

    text = pdf_text(render_slip(dossier, "04"))

    assert_common(text, dossier)
    assert "Mẫu số 04" in text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Số: 1/UBND-MC" in text
    assert "V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ" in text
    assert "Kính gửi: Nguyễn Văn An" in text
    assert "Lý do: Cần xác minh thông tin cư trú tại địa phương khác." in text
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16:30 25/02/2026" in text
    assert "10:00 03/03/2026" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HOA LƯ" in text  # issued by the handling agency
    assert "Hoa Lư, ngày 24 tháng 02 năm 2026" in text  # the place where the agency sits
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Đinh Công Lý" in text  # its leader
    assert "Phạm Quốc Bảo" not in text  # not whoever clicked


# -- Form 05: notice of stopping ------------------------------------------------------------


def test_form_05_stop_notice(org, procedure):
    dossier = make_dossier(org, procedure, status=Status.STOPPED)
    staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)  # no leader: the head signs "TL."
    at = vn(2026, 2, 20, 10, 10)
    event(dossier, at, "stop", frm=Status.PROCESSING, to=Status.STOPPED,
          agency=org.pc_a, actor=org.specialist_a,
          reason="Người yêu cầu có văn bản đề nghị dừng giải quyết hồ sơ.")
    letters.issue(dossier, letters.APOLOGY, vn(2026, 2, 19, 9, 0))  # the series is shared
    letters.issue(dossier, letters.STOP, at)
    # the applicant's notice, sent later, is written in the status: not the stop's event
    event(dossier, vn(2026, 2, 20, 10, 11), "notify", frm=Status.STOPPED, to=Status.STOPPED)

    text = pdf_text(render_slip(dossier, "05"))

    assert_common(text, dossier)
    assert "THÔNG BÁO" in text
    assert "Mẫu số 05" in text
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text.upper()
    assert "Số: 2/TB-UBND" in text
    assert "Lý do: Người yêu cầu có văn bản đề nghị dừng giải quyết hồ sơ." in text
    assert "10:10 20/02/2026" in text
    assert "TL. CHỦ TỊCH" in text and "TRƯỞNG PHÒNG" in text and "Đỗ Minh Tâm" in text
    assert "Phạm Quốc Bảo" not in text
    assert "Hoa Lư, ngày 20 tháng 02 năm 2026" in text


def test_letters_issued_before_numbering_leave_blanks_to_fill(org, procedure):
    dossier = make_dossier(org, procedure, status=Status.STOPPED)
    event(dossier, vn(2026, 2, 20, 10, 10), "stop", to=Status.STOPPED, agency=org.pc_a,
          actor=org.specialist_a, reason="Dừng")
    text = pdf_text(render_slip(dossier, "05"))
    assert "Số: ………/………" in text and "THỦ TRƯỞNG CƠ QUAN" in text


# -- Form 06 ---------------------------------------------------------------------------------


def interagency_dossier(org, procedure) -> Dossier:
    dossier = make_dossier(
        org, procedure, status=Status.RETURNED, received_at=vn(2026, 3, 2, 7, 45),
        due_at=vn(2026, 3, 9, 16, 0), finished_at=vn(2026, 3, 6, 15, 0),
        returned_at=vn(2026, 3, 9, 8, 30),
    )
    event(dossier, dossier.received_at, "receive", to=Status.RECEIVED, agency=org.center_a,
          actor_name="Trần Thị Mai")
    # early: returned the day before its due day
    Handover.objects.create(dossier=dossier, from_agency=org.center_a, to_agency=org.pc_a,
                            sent_at=vn(2026, 3, 2, 8, 0), step_due_at=vn(2026, 3, 4, 17, 0),
                            returned_at=vn(2026, 3, 3, 10, 0), sent_by=org.officer_a)
    # late: finished when the department passed it on, after its due time
    Handover.objects.create(dossier=dossier, from_agency=org.pc_a, to_agency=org.department,
                            sent_at=vn(2026, 3, 3, 10, 30), step_due_at=vn(2026, 3, 5, 17, 0),
                            note="Xác minh liên thông")
    # on time: finished by the result-ready event of the commune on its due day
    Handover.objects.create(dossier=dossier, from_agency=org.department, to_agency=org.pc_a,
                            sent_at=vn(2026, 3, 6, 9, 0), step_due_at=vn(2026, 3, 6, 17, 0))
    event(dossier, vn(2026, 3, 6, 15, 0), "mark_result_ready", frm=Status.PROCESSING,
          to=Status.RESULT_READY, agency=org.pc_a, actor=org.specialist_a)
    event(dossier, dossier.returned_at, "return_result", frm=Status.RESULT_READY,
          to=Status.RETURNED, agency=org.center_a, actor_name="Trần Thị Mai")
    return dossier


def test_form_06_process_control_sheet(org, procedure):
    dossier = interagency_dossier(org, procedure)
    now = vn(2026, 3, 9, 9, 0)

    rows = form_06(SlipData(dossier, now))["rows"]
    assert [r["result"] for r in rows] == ["", "Trước hạn", "Quá hạn", "Đúng hạn", "Trước hạn"]
    assert [r["kind"] for r in rows] == ["receipt", "step", "step", "step", "return"]
    assert rows[2]["done"] == "09:00 06/03/2026"  # the department's onward handover
    assert rows[3]["done"] == "15:00 06/03/2026"  # the result-ready event

    text = pdf_text(render_slip(dossier, "06", now=now))
    assert_common(text, dossier)
    assert "Mẫu số 06" in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "THỜI GIAN GIAO, NHẬN HỒ SƠ" in text
    assert "Sở Tư pháp tỉnh Ninh Bình" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở Tư pháp tỉnh Ninh Bình" in text
    for stamp in ("07:45 02/03/2026", "08:00 02/03/2026", "10:30 03/03/2026",
                  "09:00 06/03/2026", "08:30 09/03/2026"):
        assert stamp in text
    assert "Xác minh liên thông" in text
    assert "Ninh Bình, ngày 09 tháng 3 năm 2026" in text


def test_form_06_unknown_end_is_blank_and_overdue_is_late(org, procedure):
    dossier = make_dossier(org, procedure, status=Status.INTEROPERATING,
                           received_at=vn(2026, 3, 2, 8, 0), due_at=vn(2026, 3, 20, 16, 0))
    Handover.objects.create(dossier=dossier, from_agency=org.center_a, to_agency=org.pc_a,
                            sent_at=vn(2026, 3, 2, 9, 0))  # no due: cannot be judged
    Handover.objects.create(dossier=dossier, from_agency=org.pc_a, to_agency=org.department,
                            sent_at=vn(2026, 3, 3, 9, 0), step_due_at=vn(2026, 3, 10, 17, 0))
    in_time = form_06(SlipData(dossier, vn(2026, 3, 9, 9, 0)))["rows"]
    assert [r["result"] for r in in_time] == ["", "", ""]
    overdue = form_06(SlipData(dossier, vn(2026, 3, 11, 9, 0)))["rows"]
    assert [r["result"] for r in overdue] == ["", "", "Quá hạn"]


def test_form_06_without_handovers_reads_agency_moves_from_the_timeline(org, procedure):
    dossier = make_dossier(org, procedure, received_at=vn(2026, 3, 2, 8, 0))
    event(dossier, vn(2026, 3, 2, 8, 0), "receive", to=Status.RECEIVED, agency=org.center_a)
    event(dossier, vn(2026, 3, 2, 9, 30), "start_processing", frm=Status.RECEIVED,
          to=Status.PROCESSING, agency=org.pc_a, actor_name="Phạm Quốc Bảo")
    rows = form_06(SlipData(dossier, vn(2026, 3, 3, 9, 0)))["rows"]
    assert [(r["from"], r["to"], r["sent"]) for r in rows[1:]] == [
        (org.center_a.name, org.pc_a.name, "09:30 02/03/2026")
    ]


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("form, status", [
    ("01", Status.REFUSED),
    ("02", Status.PROCESSING),
    ("03", Status.PROCESSING),
    ("04", Status.PROCESSING),
    ("05", Status.PROCESSING),
])
def test_slip_not_applicable(org, procedure, form, status):
    dossier = make_dossier(org, procedure, status=status)
    # an event that is not the one the form needs
    event(dossier, vn(2026, 2, 13, 8, 0), "start_processing", frm=Status.RECEIVED,
          to=Status.PROCESSING, agency=org.pc_a)
    with pytest.raises(SlipNotApplicable) as caught:
        render_slip(dossier, form)
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "slip_not_applicable"
    assert caught.value.extra == {"form": form}


def test_form_06_not_applicable_before_receipt(org, procedure):
    dossier = make_dossier(org, procedure, channel=2, status=Status.SUBMITTED, received_at=None)
    with pytest.raises(SlipNotApplicable):
        render_slip(dossier, "06")


@pytest.mark.parametrize("form", ["07", "1", "", None, "STOP", "stop"])
def test_unknown_form(org, procedure, form):
    dossier = make_dossier(org, procedure)
    with pytest.raises(ValueError):
        render_slip(dossier, form)


def test_forms_registry():
    # Circular 03/2025/TT-VPCP, Appendix I (Form 07, the book, is per unit: dossiers.books)
    assert {code: form.title for code, form in FORMS.items()} == {
        "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        "05": "Thông báo dừng giải quyết hồ sơ",
        "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    }


# -- safety and speed ------------------------------------------------------------------------


def test_user_text_is_escaped_and_nothing_is_fetched(org, procedure):
    dossier = make_dossier(
        org, procedure,
        applicant_name='<img src="file:///etc/passwd"> Lê <b>Thị</b> Hồng',
    )
    html = render_html(dossier, "01")
    assert "&lt;img src=" in html and "<b>Thị</b>" not in html
    text = pdf_text(render_slip(dossier, "01"))
    assert '<img src="file:///etc/passwd"> Lê <b>Thị</b> Hồng' in text


def test_pdf_embeds_a_font_covering_vietnamese(org, procedure):
    dossier = make_dossier(org, procedure, applicant_name="Đặng Thị Ngọc Ưởng")
    pdf = render_slip(dossier, "01")
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # Times-like first when installed, else DejaVu Serif: both cover Vietnamese completely.
    assert fonts and all(("Serif" in f or "Times" in f or "Tinos" in f) for f in fonts), fonts
    assert "Đặng Thị Ngọc Ưởng" in pdf_text(pdf)


def test_process_sheet_is_dated_now(org, procedure):
    dossier = interagency_dossier(org, procedure)
    html = render_html(dossier, "06", now=vn(2026, 3, 10, 8, 15))
    assert "Ninh Bình, ngày 10 tháng 3 năm 2026" in html
    assert "In lúc 08:15 10/03/2026" in html
    today = datetime.now(VN)
    assert f"ngày {today:%d} tháng" in render_html(dossier, "06")


# -- visual check ----------------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("SLIPS_PREVIEW_DIR"),
                    reason="set SLIPS_PREVIEW_DIR=<dir> to write every slip there as PDF")
def test_preview_every_slip(org, procedure):
    out = Path(os.environ["SLIPS_PREVIEW_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    d = make_dossier(org, procedure)
    DossierComponent.objects.create(dossier=d, name="Tờ khai theo mẫu", copies=1)
    DossierComponent.objects.create(
        dossier=d, copies=2,
        name="Giấy tờ chứng minh tình trạng hôn nhân (bản sao có chứng thực hoặc bản chụp "
             "kèm bản chính để đối chiếu)",
    )
    event(d, d.received_at, "receive", to=Status.RECEIVED, agency=org.center_a,
          actor_name="Trần Thị Mai")
    SupplementRequest.objects.create(
        dossier=d, requested_at=vn(2026, 2, 13, 10, 20), requested_by=org.officer_a,
        items=[{"name": "Tờ khai theo mẫu", "note": "Thiếu chữ ký của người yêu cầu"},
               {"name": "Giấy tờ chứng minh tình trạng hôn nhân",
                "note": "Bản sao có chứng thực"}],
        reason="Hồ sơ chưa đầy đủ theo quy định",
    )
    Apology.objects.create(
        dossier=d, issued_at=vn(2026, 2, 24, 9, 15), issued_by=org.specialist_a,
        reason="Cần xác minh thông tin cư trú tại địa phương khác.",
        old_due_at=vn(2026, 2, 25, 16, 30), new_due_at=vn(2026, 3, 3, 10, 0),
    )
    event(d, vn(2026, 2, 26, 10, 10), "stop", to=Status.STOPPED, agency=org.pc_a,
          actor=org.specialist_a, reason="Người yêu cầu có văn bản đề nghị dừng giải quyết.")
    staff("leader.a", "Đinh Công Lý", org.pc_a, Role.LEADER)
    letters.issue(d, letters.APOLOGY, vn(2026, 2, 24, 9, 15))
    letters.issue(d, letters.STOP, vn(2026, 2, 26, 10, 10))
    refused = make_dossier(org, procedure, code="000.01.20.H40-260212-0008",
                           status=Status.REFUSED)
    event(refused, vn(2026, 2, 12, 15, 40), "refuse", to=Status.REFUSED, agency=org.center_a,
          actor_name="Trần Thị Mai", reason="Yêu cầu không thuộc thẩm quyền giải quyết.")
    Dossier.objects.filter(pk=d.pk).update(code="000.01.20.H40-260212-0009")
    d.refresh_from_db()
    chain = interagency_dossier(org, procedure)
    for form, dossier in [("01", d), ("02", d), ("03", refused), ("04", d), ("05", d),
                          ("06", chain)]:
        moment = vn(2026, 3, 9, 9, 0)
        (out / f"{form}.html").write_text(render_html(dossier, form, now=moment))
        (out / f"{form}.pdf").write_bytes(render_slip(dossier, form, now=moment))


def test_applicable_forms_are_those_that_render(org, procedure):
    """What a page offers to print (applicable_forms, from the rows it has read) is what
    render_html renders without SlipNotApplicable, in every state a slip depends on."""
    from motcua.dossiers import actions
    from motcua.dossiers.selectors import DetailRelations
    from motcua.dossiers.slips import applicable_forms
    from motcua.dossiers.tests.factories import at, online, received

    t = at("09:00 16/11/2026")
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    submitted = online(org, procedure, t)
    refused = actions.perform(online(org, procedure, t), "refuse", org.officer_a, now=t,
                              reason="Không thuộc thẩm quyền")
    asked = actions.perform(online(org, procedure, t), "request_supplement", org.officer_a,
                            now=t, items=[{"name": "Tờ khai"}])
    plain = received(org, procedure, t)
    late = received(org, procedure, t)
    late = actions.perform(late, "request_supplement", org.specialist_a, now=t,
                           items=[{"name": "Bản sao"}])
    apologised = actions.perform(received(org, procedure, t), "apologize", org.specialist_a,
                                 now=t, reason="Cần xác minh", new_appointment=at(
                                     "10:00 20/11/2026"))
    stopped = received(org, procedure, t)
    stopped = actions.perform(stopped, "request_stop", org.specialist_a, now=t, reason="Có đơn")
    stopped = actions.perform(stopped, "stop", head, now=t, reason="Có đơn")
    merits = actions.perform(received(org, procedure, t), "refuse_on_merits", head, now=t,
                             reason="Không đủ điều kiện")
    expected = {submitted: [], refused: ["03"], asked: ["02"], plain: ["01", "06"],
                late: ["01", "02", "06"], apologised: ["01", "04", "06"],
                stopped: ["01", "05", "06"], merits: ["01", "03", "06"]}
    for dossier, forms in expected.items():
        d = Dossier.objects.get(pk=dossier.pk)
        offered = [f.code for f in applicable_forms(d, DetailRelations.read(d))]
        rendered = []
        for code in FORMS:
            try:
                render_html(d, code, now=t)
            except SlipNotApplicable:
                continue
            rendered.append(code)
        assert offered == rendered == forms, d.get_status_display()
