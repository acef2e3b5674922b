"""The statistics API, its files and the periodic report, as a leader or a reporting system
uses them: who may read what (refused cases), the rows of a file equal the table's, the
workbook's layout."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from motcua.org.models import Role
from motcua.reporting import exports, report, selectors, statistics
from motcua.reporting.periods import MONTH, Period
from motcua.tests.builders import staff

NOVEMBER = {"timeType": "month", "year": 2026, "month": 11}
PERIOD = Period(MONTH, 2026, 11)


@pytest.fixture
def auditor(world):
    return staff("auditor.tinh", "Phạm Kiểm Toán", world.org.province_center, Role.AUDITOR)


def get(api, user, path, **params):
    api.force_authenticate(user)
    return api.get(path, params)


@pytest.mark.parametrize("table", ["intake", "status", "late-units", "late-officers",
                                   "late-dossiers", "processing-times", "rates", "due",
                                   "report-unit", "report-sector"])
def test_the_units_head_reads_every_table_of_the_commune(api, world, november, table):
    response = get(api, world.head_a, f"/api/v1/statistics/{table}", **NOVEMBER,
                   rootDepartmentId=world.org.commune_a.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == table and body["unit"]["code"] == world.org.commune_a.code
    assert (body["fromDate"], body["toDate"]) == ("2026-11-01", "2026-11-30")
    assert len(body["rows"]) == min(body["count"], 100)
    assert all(set(r) == {c["key"] for c in body["columns"]} for r in body["rows"])


def test_the_late_dossiers_page_by_page(api, world, november):
    params = {**NOVEMBER, "rootDepartmentId": world.org.commune_a.code}
    first = get(api, world.head_a, "/api/v1/statistics/late-dossiers", **params, limit=1)
    second = get(api, world.head_a, "/api/v1/statistics/late-dossiers", **params, limit=1,
                 offset=1)
    codes = {first.json()["rows"][0]["code"], second.json()["rows"][0]["code"]}
    assert codes == {november["D1"].code, november["D2"].code}
    assert first.json()["rows"][0]["due_at"].endswith("+07:00")


def test_refused_to_a_specialist_a_citizen_and_another_communes_head(api, world, november):
    path = "/api/v1/statistics/late-officers"
    params = {**NOVEMBER, "rootDepartmentId": world.org.commune_a.code}
    for user in (world.org.specialist_a, world.org.citizen):
        response = get(api, user, path, **params)
        assert response.status_code == 403
        assert response.json()["code"] == "index_not_allowed"
    head_b = staff("head.b", "Lê Văn Bình", world.org.pc_b, Role.HEAD)
    assert get(api, head_b, path, **params).status_code == 403
    assert get(api, head_b, "/api/v1/statistics/late-officers.csv", **params).status_code == 403
    assert get(api, head_b, "/api/v1/statistics/report.xlsx", **params).status_code == 403
    api.force_authenticate(None)
    assert api.get(path, params).status_code in (401, 403)


def test_bad_queries(api, world, november):
    ok = {**NOVEMBER, "rootDepartmentId": world.org.commune_a.code}
    assert get(api, world.head_a, "/api/v1/statistics/nothing", **ok).status_code == 404
    assert get(api, world.head_a, "/api/v1/statistics/due.pdf", **ok).status_code == 404
    assert get(api, world.head_a, "/api/v1/statistics/due", timeType="month",
               year=2026).status_code == 400
    assert get(api, world.head_a, "/api/v1/statistics/due", **ok,
               limit=5000).status_code == 400
    future = {"timeType": "year", "year": timezone.now().year + 2}
    response = get(api, world.head_a, "/api/v1/statistics/due", **future)
    assert response.status_code == 400 and response.json()["code"] == "period_not_begun"


def _table_rows(table):
    columns = table.columns
    return [[exports.cell(c, v, c.key in table.missing) for c, v in zip(columns, row,
                                                                        strict=True)]
            for row in table.rows]


def test_the_csv_file_has_a_bom_and_the_tables_rows(api, world, november, auditor):
    response = get(api, auditor, "/api/v1/statistics/late-dossiers.csv", **NOVEMBER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = lines.index([str(c.label) for c in statistics.LATE_DOSSIER_COLUMNS])
    table = statistics.late_dossiers(selectors.resolve_scope(), PERIOD, timezone.now())
    assert lines[header + 1:] == [[str(v) for v in row] for row in _table_rows(table)]


def test_the_workbook_has_the_tables_rows(api, world, november, auditor):
    response = get(api, auditor, "/api/v1/statistics/rates.xlsx", **NOVEMBER)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    table = statistics.rates(selectors.resolve_scope(), PERIOD, timezone.now())
    header = values.index([str(c.label) for c in table.columns])
    # an empty cell ("", a ratio without a denominator) reads back as None
    assert values[header + 1:] == [[None if v == "" else v for v in row]
                                   for row in _table_rows(table)]
    # every rate is collected now: no line above the columns says what a column waits for
    assert not table.missing
    assert "e_result_rate" in [c.key for c in table.columns]


def test_the_periodic_report_workbook(api, world, november, auditor):
    """November, the province: 4 dossiers received (1 online, 3 at the counter), none carried
    over; 3 handled (2 early, 1 late), 1 pending and overdue."""
    response = get(api, auditor, "/api/v1/statistics/report.xlsx", **NOVEMBER)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Theo don vi", "Theo linh vuc"]
    sheet = book["Theo don vi"]
    assert sheet["A4"].value == report.TITLE
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A8:A10", "B8:B10", "C8:F8", "G8:M8", "C9:C10", "D9:F9", "G9:J9", "K9:M9"} <= merged
    assert [sheet.cell(11, c).value for c in range(1, 14)] == [
        "(A)", "(B)", *(f"({n})" for n in range(1, 12))]
    total = [sheet.cell(12, c).value for c in range(3, 14)]
    assert total == [4, 0, 1, 3, 3, 2, 0, 1, 1, 0, 1]
    assert sheet.cell(13, 2).value == "Commune level" or sheet.cell(13, 2).value == "Cấp xã"
    assert sheet.cell(14, 2).value == world.org.pc_a.name
    assert [sheet.cell(14, c).value for c in range(3, 14)] == total
    by_sector = book["Theo linh vuc"]
    assert [by_sector.cell(13, c).value for c in range(3, 14)] == total


def test_the_report_rows_add_up(world, november):
    result = report.handling_report(selectors.resolve_scope(), PERIOD, timezone.now())
    for line in (*result.by_unit, *result.by_sector):
        f = report.figures(line.counts)
        assert f[0] == f[1] + f[2] + f[3] == f[4] + f[8]
        assert f[4] == f[5] + f[6] + f[7] and f[8] == f[9] + f[10]
