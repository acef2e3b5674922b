"""The deployment's working calendar: settings + holidays.VN + the local overrides table."""

from __future__ import annotations

import threading
from datetime import time

from django.conf import settings
from django.db.models import Count, Max

from motcua.workcalendar.models import DayOverride
from motcua.workcalendar.rules import WorkCalendar, vietnam_rules

_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar] | None = None
YEARS = range(2015, 2041)


def _parse_periods(spec: str) -> tuple[tuple[time, time], ...]:
    periods = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        periods.append((time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(periods)


def _overrides_stamp() -> tuple:
    agg = DayOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def get_calendar() -> WorkCalendar:
    """The calendar in force; rebuilt when the overrides table changes."""
    global _cached
    stamp = _overrides_stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        overrides = dict(DayOverride.objects.values_list("date", "is_working"))
        calendar = WorkCalendar(
            vietnam_rules(
                YEARS,
                overrides=overrides,
                periods=_parse_periods(settings.WORKING_PERIODS),
                weekdays=frozenset(settings.WORKING_WEEKDAYS),
            )
        )
        _cached = (stamp, calendar)
        return calendar
