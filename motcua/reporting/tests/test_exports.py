"""Exports in constant memory (tracemalloc's peak while N rows stream stays under a bound that
does not grow with N) whose rows equal the table's; a large export written by the background
task with its progress, downloadable by its requester only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from motcua.reporting import exports, jobs, statistics
from motcua.reporting.models import Export
from motcua.reporting.queries import read_query
from motcua.reporting.statistics import INSTANT, INT, RATIO, TEXT, Column, Table
from motcua.workcalendar.rules import TZ

COLUMNS = (Column("code", "Mã", TEXT), Column("n", "Số", INT), Column("r", "Tỷ lệ", RATIO),
           Column("at", "Lúc", INSTANT), Column("gap", "Chưa có", RATIO))
START = dt.datetime(2026, 1, 1, 7, 0, tzinfo=TZ)


def synthetic(n: int) -> Table:
    """n rows made one at a time, never held together."""
    def rows():
        for i in range(n):
            yield (f"000.00.14.H40-260101-{i:06d} Nguyễn Văn Ân", i, (i % 100) / 100,
                   START + dt.timedelta(minutes=i), None)
    return Table("synthetic", "Bảng thử", COLUMNS, rows(), n, missing={"gap": ("x.Y.z",)})


def expected(i: int) -> list:
    return [f"000.00.14.H40-260101-{i:06d} Nguyễn Văn Ân", i, (i % 100) / 100,
            (START + dt.timedelta(minutes=i)).strftime("%H:%M %d/%m/%Y")]


def peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", [exports.XLSX, exports.CSV])
def test_memory_stays_bounded_whatever_the_number_of_rows(fmt):
    peaks = {}
    for n in (2_000, 40_000):
        with tempfile.TemporaryFile() as out:
            peaks[n] = peak(lambda n=n, out=out: exports.WRITERS[fmt](synthetic(n), out, (),
                                                                    None))
    # 20 times the rows: the peak stays under 4 MB and grows by less than half
    assert peaks[40_000] < 4 * 2**20, peaks
    assert peaks[40_000] < 1.5 * peaks[2_000] + 2**20, peaks


def test_the_workbook_rows_equal_the_table():
    n = 5_000
    with tempfile.TemporaryFile() as out:
        exports.write_xlsx(synthetic(n), out, ["Tỉnh Ninh Bình"])
        out.seek(0)
        sheet = load_workbook(out, read_only=True).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index([str(c.label) for c in COLUMNS])
    assert values[0] == ["Bảng thử"] and values[1] == ["Tỉnh Ninh Bình"]
    body = values[header + 1:]
    assert len(body) == n
    assert all(row[:4] == expected(i) for i, row in enumerate(body))
    assert {row[4] for row in body} == {"no data"} or {row[4] for row in body} == {
        "chưa có dữ liệu"}


def test_the_csv_is_utf8_with_a_bom_and_its_rows_equal_the_table():
    n = 3_000
    data = b"".join(exports.csv_chunks(synthetic(n)))
    assert data.startswith(exports.BOM.encode("utf-8"))
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = lines.index([str(c.label) for c in COLUMNS])
    body = lines[header + 1:]
    assert len(body) == n
    assert all(row[:4] == [str(v) for v in expected(i)] for i, row in enumerate(body))


@pytest.fixture
def background(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def test_a_large_export_is_written_in_the_background_with_its_progress(
        world, november, background, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    seen = []
    real = Export.objects.filter

    def spy(*args, **kwargs):
        qs = real(*args, **kwargs)
        original = qs.update

        def update(**values):
            if "rows_done" in values:
                seen.append(values["rows_done"])
            return original(**values)
        qs.update = update
        return qs

    monkeypatch.setattr(Export.objects, "filter", spy)
    query = read_query({"timeType": "month", "year": 2026, "month": 11})
    with django_capture_on_commit_callbacks(execute=True):
        export = jobs.start_export(world.head_a, "late-dossiers", exports.CSV, query)
    export.refresh_from_db()
    assert export.state == Export.State.DONE
    assert (export.rows_total, export.rows_done) == (2, 2)
    assert seen == [0, 1, 2, 2]
    assert export.file_name.startswith("late-dossiers-11-2026")
    table = statistics.late_dossiers(query.scope, query.period,
                                     dt.datetime.fromisoformat(export.query["now"]))
    with export.file.open("rb") as f:
        lines = list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))
    codes = [line[0] for line in lines[-2:]]
    assert codes == [row[0] for row in table.rows]
    # run again (a retried task): nothing changes
    assert jobs.run_export(export.pk) == {"rows": 2}
    assert export.created_at <= timezone.now()


def test_housekeeping_deletes_old_exports_with_their_files_and_keeps_recent_ones(
        world, november, background, django_capture_on_commit_callbacks, settings):
    from motcua.core import housekeeping

    settings.EXPORT_KEEP_DAYS = 7
    query = read_query({"timeType": "month", "year": 2026, "month": 11})
    with django_capture_on_commit_callbacks(execute=True):
        old = jobs.start_export(world.head_a, "late-dossiers", exports.CSV, query)
        recent = jobs.start_export(world.head_a, "late-dossiers", exports.XLSX, query)
    old.refresh_from_db()
    recent.refresh_from_db()
    old_path, recent_path = Path(old.file.path), Path(recent.file.path)
    assert old_path.exists() and recent_path.exists()
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    # housekeeping runs it in every pass (run_pass itself also prunes the task results of the
    # database backend, which this test's immediate task backend does not have)
    prune = housekeeping.registered()["statistics_exports"]

    assert prune(timezone.now()) == 1
    assert not old_path.exists() and not Export.objects.filter(pk=old.pk).exists()
    assert recent_path.exists() and Export.objects.filter(pk=recent.pk).exists()
