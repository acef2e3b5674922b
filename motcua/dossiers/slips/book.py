"""Form 07, the dossier tracking book, as PDF (WeasyPrint) and as an Excel workbook (openpyxl).

The workbook is written in openpyxl's write-only mode, row by row from `books.rows` (a
server-side iterator), into a temporary file that the response streams: memory stays constant
for a period of any length. WeasyPrint lays a whole document out in memory, so the PDF is
refused above `PDF_MAX_ROWS` rows (narrow the period or take the workbook).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.errors import DomainError
from motcua.dossiers import books
from motcua.dossiers.slips.context import agency_header, province_of
from motcua.dossiers.slips.formatting import format_dt_or_blank, place_date_line
from motcua.dossiers.slips.pdf import html_to_pdf

TITLE = "Sổ theo dõi hồ sơ"
PDF_MAX_ROWS = 2000
_WIDTHS = (9, 8, 26, 40, 9, 24, 34, 30, 17, 17, 17, 17, 17, 12, 18)  # Excel, characters
_PDF_WIDTHS = ("4", "3.5", "11", "13", "3.5", "8", "10", "9", "5.5", "5.5", "5.5", "5.5", "5.5",
               "6", "4")  # PDF, percent (strings: a localized float would print "3,5")


class BookTooLarge(DomainError):
    status_code = 422
    code = "book_too_large"


def _period(f: books.BookFilter) -> str:
    return f"Từ ngày {f.start:%d/%m/%Y} đến ngày {f.end:%d/%m/%Y}"


def _cells(row: books.BookRow) -> list[Any]:
    return [
        row.book, row.row, row.code, row.procedure, 1, row.applicant, row.address_phone,
        row.handling_agency, format_dt_or_blank(row.received_at),
        format_dt_or_blank(row.appointment_at), format_dt_or_blank(row.transferred_at),
        format_dt_or_blank(row.finished_at), format_dt_or_blank(row.returned_at), "",
        row.note,
    ]


def book_pdf(f: books.BookFilter, now: dt.datetime) -> bytes:
    total = books.count(f)
    if total > PDF_MAX_ROWS:
        raise BookTooLarge(
            _("The book has %(count)d rows for this period; the PDF holds at most %(max)d. "
              "Choose a shorter period or a procedure, or download the Excel workbook.")
            % {"count": total, "max": PDF_MAX_ROWS},
            rows=total, max_rows=PDF_MAX_ROWS,
        )
    html = render_to_string("dossiers/slips/07.html", {
        "form": {"code": "07", "title": TITLE},
        "title": TITLE.upper(),
        "header": agency_header(f.agency),
        "place_date": place_date_line(province_of(f.agency), now),
        "issuer": f.agency.name,
        "code": f.agency.code,
        "agency": f.agency.name,
        "period": _period(f),
        "books": sorted({str(y) for y in range(f.start.year, f.end.year + 1)}),
        "procedure_code": f.procedure_code,
        "columns": list(zip(books.COLUMNS, _PDF_WIDTHS, strict=True)),
        "rows": [_cells(r) for r in books.rows(f)],
        "printed": format_dt_or_blank(now),
    })
    return html_to_pdf(html)


def write_xlsx(f: books.BookFilter, now: dt.datetime, out: IO[bytes]) -> None:
    """The book as an .xlsx workbook written to `out`, one sheet, one row per dossier."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="So theo doi ho so")
    for i, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A6"
    bold = Font(bold=True)
    ws.append([f"Mẫu số 07. {TITLE.upper()}"])
    ws.append([f"{f.agency.name} ({f.agency.code})"])
    scope = _period(f) + (f"; thủ tục {f.procedure_code}" if f.procedure_code else "")
    ws.append([scope])
    ws.append([f"In lúc {format_dt_or_blank(now)}"])
    header = []
    for name in books.COLUMNS:
        cell: Any = _cell(ws, name)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header.append(cell)
    ws.append(header)
    for row in books.rows(f):
        ws.append(_cells(row))
    wb.save(out)


def _cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(ws, value=value)


def xlsx_file(f: books.BookFilter, now: dt.datetime) -> IO[bytes]:
    """The workbook in a temporary file (deleted when closed), rewound for streaming."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  # the response closes it
    try:
        write_xlsx(f, now, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
