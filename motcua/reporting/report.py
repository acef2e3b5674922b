"""The periodic report on the handling of administrative procedures, as a province sends it
upward: "Tình hình, kết quả giải quyết thủ tục hành chính".

Layout followed: the table "Tình hình, kết quả giải quyết TTHC" of the periodic reporting
regime on administrative-procedure control, the one-stop mechanism and online procedures
(Circular 01/2020/TT-VPCP of 21 October 2020, its forms 06a–06c "Tình hình, kết quả giải
quyết TTHC tại cơ quan, đơn vị trực tiếp giải quyết TTHC" / "… thuộc thẩm quyền"): the
reporting unit and period above the title, rows by unit or by sector with a total row first,
and eleven numbered columns under two merged header bands:

  Số hồ sơ nhận giải quyết: (1) tổng số; trong đó (2) từ kỳ trước chuyển qua, mới tiếp nhận
  (3) trực tuyến, (4) trực tiếp và qua dịch vụ bưu chính công ích;
  Kết quả giải quyết: đã giải quyết (5) tổng số, (6) trước hạn, (7) đúng hạn, (8) quá hạn;
  đang giải quyết (9) tổng số, (10) trong hạn, (11) quá hạn.

(1) = (2) + (3) + (4) = (5) + (9); (5) = (6) + (7) + (8); (9) = (10) + (11). The text of the
Circular's appendix could not be consulted while writing this (no network): the columns are
those of the form as provinces fill it in, and the labels are kept in one place (`HEADERS`) to
be matched to the printed form. The counts are the index's (2.1's: received in the period plus
carried over; early, on time and late as DOMAIN.md §4 judges them; pending in time or overdue
at the period's end, or now while it runs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.catalog.models import Sector
from motcua.org.models import AdministrativeUnit, Agency
from motcua.reporting.exports import CONTENT_TYPES, XLSX, temporary_file
from motcua.reporting.indicators import DossierCounts
from motcua.reporting.periods import MONTH, QUARTER, Period
from motcua.reporting.selectors import AGENCY_KEY, SECTOR_KEY, Scope, read_counts, total
from motcua.reporting.statistics import INT, TEXT, TITLES, Column, Table
from motcua.workcalendar.rules import TZ

TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
NUMBERED = tuple(f"({n})" for n in range(1, 12))
# The header bands: (label, first column, last column) over the eleven numbered columns.
BAND_1 = (("Số hồ sơ nhận giải quyết", 1, 4), ("Kết quả giải quyết", 5, 11))
BAND_2 = (("Tổng số", 1, 1), ("Trong đó", 2, 4), ("Số hồ sơ đã giải quyết", 5, 8),
          ("Số hồ sơ đang giải quyết", 9, 11))
HEADERS = ("", "Từ kỳ trước chuyển qua", "Mới tiếp nhận trực tuyến",
           "Mới tiếp nhận trực tiếp, qua dịch vụ bưu chính công ích", "Tổng số", "Trước hạn",
           "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn")


def figures(c: DossierCounts) -> tuple[int, ...]:
    """The eleven numbered columns of one row."""
    received_new_paper = c.received - c.received_online
    pending = c.dossiers - c.ended
    return (c.dossiers, c.carried_over, c.received_online, received_new_paper, c.ended,
            c.ended_early, c.ended_on_time, c.ended_late, pending, c.open_in_time,
            c.open_overdue)


@dataclass(frozen=True)
class Line:
    label: str
    counts: DossierCounts
    group: str = ""  # the level heading it sits under ("Cấp tỉnh", "Cấp xã")


@dataclass(frozen=True)
class HandlingReport:
    scope: Scope
    period: Period
    evaluated_at: dt.datetime
    total: DossierCounts
    by_unit: tuple[Line, ...]
    by_sector: tuple[Line, ...]


def handling_report(scope: Scope, period: Period, now: dt.datetime) -> HandlingReport:
    counts = read_counts(period, now, agency_ids=scope.agency_ids, sector_id=scope.sector_id,
                         by=(AGENCY_KEY, SECTOR_KEY))
    per_agency: dict[int, DossierCounts] = defaultdict(DossierCounts)
    per_sector: dict[int, DossierCounts] = defaultdict(DossierCounts)
    for (agency_id, sector_id), c in counts.items():
        if c.dossiers:
            per_agency[agency_id] = per_agency[agency_id] + c
            per_sector[sector_id] = per_sector[sector_id] + c
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=sorted(per_agency))
                .select_related("unit")}
    sectors = dict(Sector.objects.filter(pk__in=sorted(per_sector)).values_list("pk", "name"))
    province = str(_("Province level"))
    commune = str(_("Commune level"))

    def level(a: Agency) -> str:
        return commune if a.unit.level == AdministrativeUnit.Level.COMMUNE else province

    by_unit = sorted((Line(agencies[a].name, c, level(agencies[a]))
                      for a, c in per_agency.items()),
                     key=lambda line: (line.group != province, line.label))
    by_sector = sorted((Line(sectors[s], c) for s, c in per_sector.items()),
                       key=lambda line: line.label)
    return HandlingReport(scope, period, period.evaluated_at(now),
                          total(per_agency.values()), tuple(by_unit), tuple(by_sector))


def report_table(report: HandlingReport, *, by: str = "unit") -> Table:
    """The report's rows (by unit or by sector) as a statistics table, the total first."""
    lines = report.by_unit if by == "unit" else report.by_sector
    rows = [(str(_("Total")), *figures(report.total))]
    rows += [(line.label, *figures(line.counts)) for line in lines]
    columns = (Column("name", _("Unit") if by == "unit" else _("Sector"), TEXT),
               *(Column(f"c{n}", f"({n}) {label}".strip(), INT)
                 for n, label in enumerate(_column_labels(), start=1)))
    return Table(f"report-{by}", TITLES[f"report-{by}"], columns, rows, len(rows))


def _column_labels() -> tuple[str, ...]:
    return ("Tổng số", *HEADERS[1:])


def period_label(period: Period) -> str:
    if period.kind == MONTH:
        return f"Tháng {period.number} năm {period.year}"
    if period.kind == QUARTER:
        return f"Quý {['I', 'II', 'III', 'IV'][period.number - 1]} năm {period.year}"
    return f"Năm {period.year}"


# --- the workbook --------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FIRST_NUMBER_COLUMN = 3  # A: STT, B: the unit or sector


def write_workbook(report: HandlingReport, out: IO[bytes], *, printed_at: dt.datetime) -> None:
    """The report as an .xlsx workbook: one sheet by unit, one by sector."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for by, title, heading in (("unit", "Theo don vi", "Đơn vị"),
                               ("sector", "Theo linh vuc", "Lĩnh vực")):
        lines = report.by_unit if by == "unit" else report.by_sector
        _sheet(wb.create_sheet(title), report, lines, heading, printed_at)
    wb.save(out)


def _sheet(ws: Any, report: HandlingReport, lines: tuple[Line, ...], heading: str,
           printed_at: dt.datetime) -> None:
    last = get_column_letter(FIRST_NUMBER_COLUMN + 10)
    bold = Font(bold=True)
    ws["A1"] = f"Đơn vị báo cáo: {report.scope.name}"
    ws["A2"] = "Đơn vị nhận báo cáo: Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)"
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = TITLE
    ws["A4"].font = Font(bold=True, size=13)
    ws["A4"].alignment = CENTER
    ws.merge_cells(f"A5:{last}5")
    period = report.period
    ws["A5"] = (f"Kỳ báo cáo: {period_label(period)} (từ ngày {period.first_day:%d/%m/%Y} đến "
                f"ngày {period.last_day:%d/%m/%Y})")
    if report.scope.sector_name:
        ws["A5"] = f"{ws['A5'].value}; lĩnh vực {report.scope.sector_name}"
    ws["A5"].alignment = CENTER
    ws.merge_cells(f"A6:{last}6")
    ws["A6"] = f"Số liệu tính đến {report.evaluated_at.astimezone(TZ):%H:%M %d/%m/%Y}" \
        if report.evaluated_at < report.period.end else ""
    ws["A6"].alignment = CENTER
    top = 8  # the header's first row; four header rows, the numbering last
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 2, end_column=1)
    ws.cell(top, 1, "STT")
    ws.merge_cells(start_row=top, start_column=2, end_row=top + 2, end_column=2)
    ws.cell(top, 2, heading)
    for row, band in ((top, BAND_1), (top + 1, BAND_2)):
        for label, first_n, last_n in band:
            start, end = FIRST_NUMBER_COLUMN + first_n - 1, FIRST_NUMBER_COLUMN + last_n - 1
            if label == "Tổng số" and first_n == 1:  # (1) spans its two lower rows
                ws.merge_cells(start_row=row, start_column=start, end_row=row + 1,
                               end_column=end)
            elif start != end:
                ws.merge_cells(start_row=row, start_column=start, end_row=row,
                               end_column=end)
            ws.cell(row, start, label)
    for n, label in enumerate(HEADERS, start=1):
        if label:
            ws.cell(top + 2, FIRST_NUMBER_COLUMN + n - 1, label)
    ws.cell(top + 3, 1, "(A)")
    ws.cell(top + 3, 2, "(B)")
    for n, numbered in enumerate(NUMBERED):
        ws.cell(top + 3, FIRST_NUMBER_COLUMN + n, numbered)
    for row in ws.iter_rows(min_row=top, max_row=top + 3, max_col=FIRST_NUMBER_COLUMN + 10):
        for cell in row:
            cell.font, cell.alignment, cell.border = bold, CENTER, BOX
    r = top + 4
    _line(ws, r, "", "Tổng số", report.total, bold=True)
    r += 1
    group = None
    for number, line in enumerate(lines, start=1):
        if line.group and line.group != group:
            group = line.group
            ws.cell(r, 2, group).font = bold
            for c in range(1, FIRST_NUMBER_COLUMN + 11):
                ws.cell(r, c).border = BOX
            r += 1
        _line(ws, r, number, line.label, line.counts)
        r += 1
    ws.cell(r + 1, 2, f"Lập lúc {printed_at.astimezone(TZ):%H:%M %d/%m/%Y}")
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 44
    for n in range(11):
        ws.column_dimensions[get_column_letter(FIRST_NUMBER_COLUMN + n)].width = 12
    ws.row_dimensions[top + 2].height = 60
    ws.freeze_panes = ws.cell(top + 4, FIRST_NUMBER_COLUMN)


def _line(ws: Any, r: int, number: int | str, label: str, counts: DossierCounts, *,
          bold: bool = False) -> None:
    ws.cell(r, 1, number).alignment = CENTER
    ws.cell(r, 2, label).alignment = Alignment(wrap_text=True, vertical="center")
    for n, value in enumerate(figures(counts)):
        ws.cell(r, FIRST_NUMBER_COLUMN + n, value)
    for c in range(1, FIRST_NUMBER_COLUMN + 11):
        cell = ws.cell(r, c)
        cell.border = BOX
        if bold:
            cell.font = Font(bold=True)


def by_unit(scope: Scope, period: Period, now: dt.datetime) -> Table:
    return report_table(handling_report(scope, period, now), by="unit")


def by_sector(scope: Scope, period: Period, now: dt.datetime) -> Table:
    return report_table(handling_report(scope, period, now), by="sector")


def workbook_response(report: HandlingReport, now: dt.datetime) -> FileResponse:
    """The workbook as a download, streamed from its temporary file."""
    out = temporary_file(lambda f: write_workbook(report, f, printed_at=now))
    name = f"bao-cao-tthc-{report.period.label().replace('/', '-')}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES[XLSX])
