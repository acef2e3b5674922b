"""Large statistics exports written in the background: `start_export` records the request
(and enqueues the task when the transaction commits), `run_export` (the task, idempotent)
writes the file into the file storage with its progress in the `Export` row;
`prune_exports` (housekeeping) deletes the exports older than EXPORT_KEEP_DAYS, files first."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from motcua.org.models import User
from motcua.reporting import exports, tables, tasks
from motcua.reporting.models import Export
from motcua.reporting.queries import Query, read_query
from motcua.reporting.report import period_label
from motcua.workcalendar.rules import TZ

log = logging.getLogger(__name__)


def start_export(user: User, table: str, fmt: str, query: Query,
                 now: dt.datetime | None = None) -> Export:
    now = now or timezone.now()
    export = Export.objects.create(
        requested_by=user, table=table, fmt=fmt, created_at=now,
        query={**query.params, "now": now.isoformat()})
    transaction.on_commit(lambda: tasks.write_export.enqueue(str(export.pk)))
    return export


def context_lines(query: Query, now: dt.datetime) -> list[str]:
    """The lines an export prints above its columns: the unit, the period, when."""
    scope = query.scope
    unit = scope.name + (f" — {scope.sector_name}" if scope.sector_name else "")
    judged = min(now, query.period.end)
    return [unit, period_label(query.period),
            f"{judged.astimezone(TZ):%H:%M %d/%m/%Y}"]


def run_export(export_id: str | uuid.UUID) -> dict[str, Any]:
    export = Export.objects.get(pk=export_id)
    if export.state == Export.State.DONE:
        return {"rows": export.rows_done}
    params = dict(export.query)
    now = dt.datetime.fromisoformat(params.pop("now"))
    try:
        query = read_query(params)
        table = tables.TABLES[export.table](query.scope, query.period, now)
        Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING,
                                                   rows_total=table.count, rows_done=0)

        def progress(done: int) -> None:
            Export.objects.filter(pk=export.pk).update(rows_done=done)

        name = exports.file_name(table, query.period.label(), export.fmt)
        with tempfile.TemporaryFile() as out:
            exports.WRITERS[export.fmt](table, out, context_lines(query, now), progress)
            out.seek(0)
            export.file.save(f"{export.pk}.{export.fmt}", File(out), save=False)
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.DONE, file=export.file.name, file_name=name,
            finished_at=timezone.now())
    except Exception as exc:
        log.exception("export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(state=Export.State.FAILED, error=str(exc),
                                                   finished_at=timezone.now())
        raise
    return {"rows": table.count}


def prune_exports(now: dt.datetime) -> int:
    """Delete the exports (their files, then their rows) requested more than EXPORT_KEEP_DAYS
    ago, whatever their state: a requester downloads an export within minutes; one left
    behind is asked again. A file that cannot be deleted keeps its row for the next pass."""
    cutoff = now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    removed = 0
    for export in Export.objects.filter(created_at__lt=cutoff).only("pk", "file").iterator():
        if export.file:
            try:
                export.file.delete(save=False)
            except OSError:
                log.warning("export %s: its file could not be deleted", export.pk, exc_info=True)
                continue
        removed += Export.objects.filter(pk=export.pk).delete()[0]
    return removed
