"""Form 06 (process control sheet) filled from the step history of an internal process."""

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers.slips import render_slip
from motcua.processing import actions as pactions
from motcua.processing.tests.conftest import at

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # table cells wrap lines


def test_every_step_is_a_row_with_its_times_and_whether_it_was_on_time(world):
    org = world.org
    d = world.receive("09:00 16/11/2026")
    check = world.open_step(d)
    pactions.claim(check, user=org.specialist_a, now=at("09:30 16/11/2026"))
    # the check step (8 working hours) ends late: due 09:00 17/11, done 10:00 17/11
    pactions.act(check, "forward", actor=org.specialist_a, note="Hồ sơ hợp lệ",
               now=at("10:00 17/11/2026"))
    approve = world.open_step(d)
    pactions.act(approve, "approve", actor=world.head_a, now=at("11:00 17/11/2026"))
    deliver = world.open_step(d)
    pactions.claim(deliver, user=org.officer_a, now=at("13:30 17/11/2026"))
    pactions.act(deliver, "finish", actor=org.officer_a, now=at("14:00 17/11/2026"))
    d.refresh_from_db()

    text = text_of(render_slip(d, "06", now=at("15:00 17/11/2026")))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    for step_name in ("Thẩm định hồ sơ", "Phê duyệt", "Trả kết quả"):
        assert step_name in text
    assert "Phạm Quốc Bảo" in text  # who handled the check step
    assert "10:00 17/11/2026" in text and "09:00 17/11/2026" in text
    assert "Quá hạn" in text  # the check step overran its allotment
    assert "Trước hạn" in text  # the dossier itself ended days before its legal due time
