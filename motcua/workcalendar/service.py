"""The deployment's working calendar: settings + holidays.VN + the local overrides table.

Built once per process and rebuilt when the overrides table changes: at once in the process
that changed it (`reset_calendar`), within CALENDAR_RECHECK_SECONDS in the others.
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, TypedDict

import holidays
from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import get_language

from motcua.workcalendar.models import DayOverride
from motcua.workcalendar.rules import WorkCalendar, WorkingTimeRules, vietnam_rules

YEARS = range(2015, 2041)
_lock = threading.Lock()


class _State(TypedDict):
    stamp: tuple[Any, ...] | None  # the overrides table's row count and last change
    calendar: WorkCalendar | None
    names: dict[date, str]  # the local overrides' reasons, by day
    checked: float  # clock.monotonic() of the last look at the overrides table


_state: _State = {"stamp": None, "calendar": None, "names": {}, "checked": 0.0}


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
            rows = list(DayOverride.objects.values_list("date", "is_working", "reason"))
            overrides = {day: is_working for day, is_working, _reason in rows}
            _state["names"] = {day: reason for day, _working, reason in rows if reason}
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
        _state.update({"stamp": None, "calendar": None, "names": {}, "checked": 0.0})


def day_names(language: str | None = None) -> Mapping[date, str]:
    """The names of the calendar's special days, by day: the public holidays and the days off
    swapped for a working Saturday (holidays.VN, in `language`, the active one by default),
    under the reasons of the local overrides (as entered). A year's holidays are named when a
    day of it is first looked up (all of YEARS at once take most of a second)."""
    get_calendar()  # the overrides' reasons as current as the calendar
    return _DayNames(_state["names"], _holidays_language(language))


def _holidays_language(language: str | None) -> str:
    return "en_US" if (language or get_language() or "vi").startswith("en") else "vi"


class _DayNames(Mapping[date, str]):
    """The overrides' reasons over holidays.VN's names, named a year at a time."""

    def __init__(self, overrides: Mapping[date, str], language: str) -> None:
        self.overrides, self.language = overrides, language

    def __getitem__(self, day: date) -> str:
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in YEARS:
            raise KeyError(day)
        return _holiday_names(self.language, day.year)[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())

    def _every(self) -> dict[date, str]:
        every: dict[date, str] = {}
        for year in YEARS:
            every.update(_holiday_names(self.language, year))
        return every | dict(self.overrides)


@lru_cache(maxsize=2 * len(YEARS))
def _holiday_names(language: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=[year], language=language))


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
