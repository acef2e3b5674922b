"""Form 07, the dossier tracking book: rows given at receipt, printed on Form 01, exported as
PDF and as an Excel workbook to the unit's one-stop officers and heads."""

import io
import re

import pytest
from django.db import close_old_connections, connection
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.core.audit import AuditEvent
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.slips import render_slip
from motcua.dossiers.tests.factories import at, online, received, submission
from motcua.dossiers.tests.test_concurrency import at_once
from motcua.org.models import Role
from motcua.tests.builders import build_procedure, staff

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def printed_numbers(d: Dossier) -> tuple[str, str]:
    """(book, row) as Form 01 of the dossier prints them."""
    text = pdf_text(render_slip(d, "01"))
    found = re.search(r"Quyển số: (\S+) Số thứ tự: (\S+)", text)
    assert found, text
    return found.group(1), found.group(2)


def test_rows_are_given_at_receipt_per_unit_and_restart_each_year(org, procedure):
    first = received(org, procedure, at("09:00 30/12/2026"))
    waiting = online(org, procedure, at("10:00 30/12/2026"))
    assert waiting.book_row is None  # submitted online: not in the book until received
    second = received(org, procedure, at("11:00 30/12/2026"))
    elsewhere = received(org, procedure, at("11:30 30/12/2026"), agency=org.center_b)
    waiting = actions.perform(waiting, "accept", org.officer_a, now=at("14:00 31/12/2026"))
    new_year = received(org, procedure, at("08:00 04/01/2027"))
    assert [(d.book_year, d.book_row) for d in (first, second, waiting, new_year)] == [
        (2026, 1), (2026, 2), (2026, 3), (2027, 1)]
    assert (elsewhere.book_year, elsewhere.book_row) == (2026, 1)  # its own unit's book
    assert printed_numbers(waiting) == ("2026", "3")


def test_refused_dossiers_have_no_row(org, procedure):
    refused = actions.intake_at_counter(submission(org, procedure, channel=1),
                                        officer=org.officer_a, decision="refuse",
                                        reason="Không thuộc thẩm quyền",
                                        now=at("09:00 16/11/2026"))
    assert refused.book_row is None and refused.book_year is None


def book_world(org, procedure):
    other = build_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh")
    dossiers = [
        received(org, procedure, at("09:00 02/11/2026")),
        received(org, other, at("10:00 16/11/2026")),
        received(org, procedure, at("15:00 20/11/2026")),
        received(org, procedure, at("09:00 01/12/2026")),  # after the period asked below
    ]
    received(org, procedure, at("09:30 16/11/2026"), agency=org.center_b)  # another unit
    online(org, procedure, at("09:00 17/11/2026"))  # not received
    return dossiers, other


def test_the_workbook_holds_one_row_per_received_dossier_with_form_01_numbers(
        api, org, procedure):
    dossiers, _other = book_world(org, procedure)
    api.force_authenticate(org.officer_a)
    url = f"/api/v1/agencies/{org.center_a.code}/book.xlsx?from=2026-11-01&to=2026-11-30"
    response = api.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert "SỔ THEO DÕI HỒ SƠ" in values[0][0]
    header = values[4]
    assert header[:4] == ("Quyển số", "Số thứ tự", "Mã hồ sơ", "Tên thủ tục hành chính")
    assert "Ký nhận" in header
    body = values[5:]
    assert [row[2] for row in body] == [d.code for d in dossiers[:3]]
    for row, d in zip(body, dossiers[:3], strict=True):
        assert (str(row[0]), str(row[1])) == printed_numbers(d)
        detail = api.get(f"/api/v1/dossiers/{d.code}").json()
        assert detail["tracking_book"] == {"book": str(row[0]), "row": row[1]}
    assert body[0][8] == "09:00 02/11/2026"  # received, hh:mm dd/mm/yyyy
    assert body[1][3] == "Thủ tục đăng ký khai sinh"


def test_the_book_filters_by_procedure_and_comes_as_pdf(api, org, procedure):
    dossiers, other = book_world(org, procedure)
    head = staff("head.center", "Vũ Thị Hạnh", org.center_a, Role.HEAD)
    api.force_authenticate(head)
    base = f"/api/v1/agencies/{org.center_a.code}/book"
    response = api.get(f"{base}.pdf?from=01/11/2026&to=30/11/2026&procedure={procedure.code}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mẫu số 07" in text and "SỔ THEO DÕI HỒ SƠ" in text
    assert dossiers[0].code in text and dossiers[2].code in text
    assert dossiers[1].code not in text and dossiers[3].code not in text
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    only_other = api.get(f"{base}.xlsx?from=2026-11-01&to=2026-11-30&procedure={other.code}")
    sheet = load_workbook(io.BytesIO(b"".join(only_other.streaming_content))).worksheets[0]
    assert [r[2] for r in sheet.iter_rows(min_row=6, values_only=True)] == [dossiers[1].code]


@pytest.mark.parametrize("who", ["officer_b", "specialist_a", "citizen", "anonymous"])
def test_the_book_is_refused_to_others(api, org, procedure, who):
    received(org, procedure, at("09:00 02/11/2026"))
    if who != "anonymous":
        api.force_authenticate(getattr(org, who))
    response = api.get(f"/api/v1/agencies/{org.center_a.code}/book.xlsx")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    if who == "officer_b":
        assert response.json()["code"] == "book_not_allowed"
        assert AuditEvent.objects.filter(action="book.refused").count() == 1


@pytest.mark.parametrize("query, code", [
    ("from=yesterday", "invalid_date"),
    ("to=2026-13-01", "invalid_date"),
    ("from=2026-12-01&to=2026-11-01", "invalid_period"),
    ("procedure=9.999999", "unknown_procedure"),
])
def test_bad_book_queries_are_400(api, org, procedure, query, code):
    api.force_authenticate(org.officer_a)
    response = api.get(f"/api/v1/agencies/{org.center_a.code}/book.pdf?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_unknown_units_formats_and_a_too_long_pdf(api, org, procedure, monkeypatch):
    from motcua.dossiers.slips import book

    api.force_authenticate(org.officer_a)
    assert api.get(f"/api/v1/agencies/{org.pc_a.code}/book.pdf").status_code == 404
    assert api.get("/api/v1/agencies/000.99.99.H40/book.pdf").status_code == 404
    assert api.get(f"/api/v1/agencies/{org.center_a.code}/book.csv").status_code == 404
    received(org, procedure, at("09:00 02/11/2026"))
    received(org, procedure, at("10:00 02/11/2026"))
    monkeypatch.setattr(book, "PDF_MAX_ROWS", 1)
    response = api.get(f"/api/v1/agencies/{org.center_a.code}/book.pdf?from=2026-11-01")
    assert response.status_code == 422 and response.json()["code"] == "book_too_large"
    assert api.get(f"/api/v1/agencies/{org.center_a.code}/book.xlsx?from=2026-11-01"
                   ).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_every_row_once(org, procedure):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    sub = submission(org, procedure, channel=1)

    def intake_some() -> None:
        for _ in range(5):
            actions.intake_at_counter(sub, officer=org.officer_a, now=at("09:00 16/11/2026"))
        close_old_connections()

    at_once(intake_some, threads=6)
    rows = sorted(Dossier.objects.values_list("book_row", flat=True))
    assert rows == list(range(1, 31))
