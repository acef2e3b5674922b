"""Any statistics table (`statistics.Table`) as an Excel workbook or a CSV file, in constant
memory whatever its length.

- Excel: openpyxl's write-only mode, one row at a time from the table's rows (a large table
  reads its rows in chunks), into a temporary file that the response streams in blocks
  (`FileResponse`, a `StreamingHttpResponse`).
- CSV: UTF-8 with a byte-order mark (so that Excel reads the diacritics), one chunk of bytes
  per row, streamed as it is produced.
- A large table (more than `settings.EXPORT_DIRECT_MAX_ROWS` rows) asked from the dashboard is
  written by a background task (`tasks.write_export`) into the file storage, with its progress
  in its `Export` row, which the page polls; then the page links the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from motcua.reporting.statistics import INSTANT, RATIO, Column, Table
from motcua.workcalendar.rules import TZ

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
PROGRESS_EVERY = 1000  # rows between two progress reports
BOM = "\ufeff"

Progress = Callable[[int], None]


def cell(column: Column, value: Any, missing: bool = False) -> Any:
    """A value as the exports write it: instants in Vietnam time as `hh:mm dd/mm/yyyy`,
    days as `dd/mm/yyyy` text in CSV (a date in Excel), ratios as numbers, no data as
    "no data" (the column's data is not collected yet) or empty."""
    if value is None:
        return _("no data") if missing else ""
    if column.kind == INSTANT and isinstance(value, dt.datetime):
        return value.astimezone(TZ).strftime("%H:%M %d/%m/%Y")
    if column.kind == RATIO:
        return round(float(value), 4)
    return value


def heading(table: Table, context: Iterable[str]) -> list[list[str]]:
    """The lines above the columns: the title, the scope and period, a note."""
    lines = [[str(table.title)], *([line] for line in context if line)]
    if table.note:
        lines.append([str(table.note)])
    if table.missing:
        names = ", ".join(str(c.label) for c in table.columns if c.key in table.missing)
        fields = ", ".join(sorted({f for need in table.missing.values() for f in need}))
        lines.append([_("No data yet for %(columns)s: the fields %(fields)s are not collected "
                        "yet.") % {"columns": names, "fields": fields}])
    return lines


def _values(table: Table, progress: Progress | None) -> Iterator[list[Any]]:
    missing = [c.key in table.missing for c in table.columns]
    done = 0
    for row in table.rows:
        yield [cell(c, v, m) for c, v, m in zip(table.columns, row, missing, strict=True)]
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)


def write_xlsx(table: Table, out: IO[bytes], context: Iterable[str] = (),
               progress: Progress | None = None) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=table.code[:31])
    bold = Font(bold=True)
    for line in heading(table, context):
        ws.append(line)
    ws.append([])
    header = []
    for column in table.columns:
        c = WriteOnlyCell(ws, value=str(column.label))
        c.font = bold
        header.append(c)
    ws.append(header)
    for values in _values(table, progress):
        ws.append(values)
    wb.save(out)


def temporary_file(write: Callable[[IO[bytes]], None]) -> IO[bytes]:
    """What `write` writes, in a temporary file (deleted when closed), rewound for
    streaming."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  # the response closes it
    try:
        write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def xlsx_file(table: Table, context: Iterable[str] = ()) -> IO[bytes]:
    return temporary_file(lambda out: write_xlsx(table, out, context))


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return value


def csv_chunks(table: Table, context: Iterable[str] = (),
               progress: Progress | None = None) -> Iterator[bytes]:
    """The table as CSV, one encoded chunk per row, the byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    buffer.write(BOM)
    for line in heading(table, context):
        writer.writerow(line)
    writer.writerow([])
    writer.writerow([str(c.label) for c in table.columns])
    yield flush()
    for values in _values(table, progress):
        writer.writerow([_csv_text(v) for v in values])
        yield flush()


def write_csv(table: Table, out: IO[bytes], context: Iterable[str] = (),
              progress: Progress | None = None) -> None:
    for chunk in csv_chunks(table, context, progress):
        out.write(chunk)


WRITERS: dict[str, Callable[[Table, IO[bytes], Iterable[str], Progress | None], None]] = {
    XLSX: write_xlsx, CSV: write_csv}


def file_name(table: Table, label: str, fmt: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)
    return f"{table.code}-{safe}.{fmt}"



def response(table: Table, fmt: str, context: Iterable[str], name: str
             ) -> StreamingHttpResponse:
    """The file as a streamed download: CSV as it is produced, Excel from its temporary
    file, block by block."""
    if fmt == CSV:
        streamed = StreamingHttpResponse(csv_chunks(table, context),
                                         content_type=CONTENT_TYPES[fmt])
        streamed["Content-Disposition"] = f'attachment; filename="{name}"'
        return streamed
    return FileResponse(xlsx_file(table, context), as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES[fmt])
