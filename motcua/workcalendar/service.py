"""The deployment's working calendar: settings + holidays.VN + the local overrides table.

Built once per process and rebuilt when the overrides table changes: at once in the process
that changed it (`reset_calendar`), within CALENDAR_RECHECK_SECONDS in the others.
"""

from __future__ import annotations

import threading
import time as clock
from datetime import datetime, time
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Count, Max

from motcua.workcalendar.models import DayOverride
from motcua.workcalendar.rules import WorkCalendar, WorkingTimeRules, vietnam_rules

YEARS = range(2015, 2041)
_lock = threading.Lock()


class _State(TypedDict):
    stamp: tuple[Any, ...] | None  # the overrides table's row count and last change
    calendar: WorkCalendar | None
    checked: float  # clock.monotonic() of the last look at the overrides table


_state: _State = {"stamp": None, "calendar": None, "checked": 0.0}


def _parse_periods(spec: str) -> tuple[tuple[time, time], ...]:
    periods = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        periods.append((time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(periods)


def _overrides_stamp() -> tuple[Any, ...]:
    agg = DayOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def get_calendar() -> WorkCalendar:
    """The calendar in force."""
    calendar = _state["calendar"]
    now = clock.monotonic()
    if isinstance(calendar, WorkCalendar) and now - float(_state["checked"]) < float(
        settings.CALENDAR_RECHECK_SECONDS
    ):
        return calendar
    with _lock:
        stamp = _overrides_stamp()
        calendar = _state["calendar"]
        if stamp != _state["stamp"] or calendar is None:
            overrides = dict(DayOverride.objects.values_list("date", "is_working"))
            calendar = _state["calendar"] = WorkCalendar(
                vietnam_rules(
                    YEARS,
                    overrides=overrides,
                    periods=_parse_periods(settings.WORKING_PERIODS),
                    weekdays=frozenset(settings.WORKING_WEEKDAYS),
                )
            )
            _state["stamp"] = stamp
        _state["checked"] = now
        return calendar


def reset_calendar() -> None:
    """Forget the cached calendar (after an override changes, or between tests)."""
    with _lock:
        _state.update({"stamp": None, "calendar": None, "checked": 0.0})


def working_day_hours() -> float:
    """Working hours in one working day (WORKING_PERIODS: 8 by default). What a process's
    "1 day" allotment and a procedure's working day mean, without reading the database."""
    rules = WorkingTimeRules(periods=_parse_periods(settings.WORKING_PERIODS))
    return rules.working_seconds_per_day / 3600


def due_soon_horizon(now: datetime) -> datetime:
    """One working day of working time after `now`: a deadline by then is "due soon" (the
    worklists' mark, the same for dossiers, steps and petitions)."""
    calendar = get_calendar()
    return calendar.add_working_seconds(now, calendar.rules.working_seconds_per_day)
