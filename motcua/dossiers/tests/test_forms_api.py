"""The forms of Circular 03/2025/TT-VPCP through the API: slip URLs, Form 07 (the book),
the letters' numbers and the place where the result is returned."""

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db


def as_user(api, user):
    api.force_authenticate(user)
    return api


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def stopped(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    actions.perform(d, "stop", head, reason="Người yêu cầu đề nghị dừng.",
                    now=at("10:00 17/11/2026"))
    return d


def test_slip_urls_follow_the_2025_numbers(api, org, procedure):
    d = stopped(org, procedure)
    as_user(api, org.officer_a)
    base = f"/api/v1/dossiers/{d.code}/slips"
    notice = api.get(f"{base}/05.pdf")
    assert notice.status_code == 200, notice.content
    assert "Mẫu số 05" in pdf_text(notice.content)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in pdf_text(notice.content).upper()
    sheet = api.get(f"{base}/06.pdf")
    assert sheet.status_code == 200
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdf_text(sheet.content)
    # the old name of the stop notice redirects for good; "05" keeps its new meaning only
    old = api.get(f"{base}/stop.pdf?download=1")
    assert old.status_code == 301
    assert old["Location"] == f"{base}/05.pdf?download=1"
    assert api.get(f"{base}/07.pdf").status_code == 404


def test_the_redirect_tells_nothing_and_the_target_still_checks_the_policy(api, org, procedure):
    d = stopped(org, procedure)
    as_user(api, org.officer_b)  # another unit's officer
    base = f"/api/v1/dossiers/{d.code}/slips"
    assert api.get(f"{base}/stop.pdf").status_code == 301
    assert api.get(f"{base}/05.pdf").status_code == 404
    assert api.get("/api/v1/dossiers/no-such-code/slips/stop.pdf").status_code == 301


@pytest.mark.parametrize("decision", ["online", "refuse"])
def test_form_01_of_a_dossier_not_received_is_refused_in_vietnamese(api, org, procedure, decision):
    from motcua.dossiers.tests.factories import online, submission

    if decision == "online":
        d = online(org, procedure, at("09:00 16/11/2026"))
    else:
        d = actions.intake_at_counter(submission(org, procedure, channel=1), officer=org.officer_a,
                                      decision="refuse", reason="Không thuộc thẩm quyền",
                                      now=at("09:00 16/11/2026"))
    as_user(api, org.officer_a)
    response = api.get(f"/api/v1/dossiers/{d.code}/slips/01.pdf")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "slip_not_applicable" and body["form"] == "01"
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in body["detail"]
