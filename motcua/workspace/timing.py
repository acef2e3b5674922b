"""Whether a dossier is late or near its due time, by the rules the worklists count with
(processing.selectors.timing_of: due within one working day is "due soon") and the index's
timeliness once it is finished (workcalendar.rules.timeliness)."""

from __future__ import annotations

import datetime as dt

from motcua.dossiers import lifecycle
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import timeliness_of
from motcua.processing.selectors import timing_of


def dossier_timing(d: Dossier, now: dt.datetime, horizon: dt.datetime) -> str:
    """A key of labels.TIMING_TAGS, or "" (no clock, not received, or well within time)."""
    if d.due_at is None or d.received_at is None:
        return ""
    status = d.status_enum
    if status in lifecycle.FINISHING:
        finished = timeliness_of(d)
        return "finished_late" if finished == "late" else finished
    if status not in lifecycle.CLOCK_RUNNING:
        return "paused"
    return timing_of(d.due_at, False, now, horizon)
