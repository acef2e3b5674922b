"""Working-time arithmetic for dossier due dates (DOMAIN.md section 4).

Pure module: no Django, no database, no I/O. Working periods are wall-clock times in
``rules.tz`` and apply identically to every working day. All public functions take and
return timezone-aware datetimes; results are expressed in ``rules.tz``.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from motcua.core.formatting import LOCAL_TZ

UNIT_WORKING_DAYS = "working_days"
UNIT_WORKING_HOURS = "working_hours"
UNIT_CALENDAR_DAYS = "calendar_days"
UNIT_SAME_DAY = "same_day"
UNITS = frozenset({UNIT_WORKING_DAYS, UNIT_WORKING_HOURS, UNIT_CALENDAR_DAYS, UNIT_SAME_DAY})

TZ = LOCAL_TZ
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
DEFAULT_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0
DEFAULT_CUTOFF = time(15, 0)

_US = 1_000_000  # microseconds per second; all internal clock arithmetic is in microseconds


def _us_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


@dataclass(frozen=True)
class WorkingTimeRules:
    """Deployment-configurable working time."""

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    days_off: frozenset[date] = frozenset()  # public holidays and local days off
    extra_working_days: frozenset[date] = frozenset()  # swapped working Saturdays etc.
    tz: ZoneInfo = TZ

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("at least one working period is required")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are naive wall-clock times")
            if not start < end:
                raise ValueError(f"empty or inverted working period {start}-{end}")
            if previous_end is not None and start < previous_end:
                raise ValueError("working periods must be sorted and non-overlapping")
            previous_end = end
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays must be a non-empty subset of 0..6 (Monday=0)")

    @property
    def working_seconds_per_day(self) -> int:
        total_us = sum(_us_of_day(e) - _us_of_day(s) for s, e in self.periods)
        return total_us // _US


def vietnam_rules(
    years: Iterable[int],
    *,
    overrides: Mapping[date, bool] | None = None,
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS,
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS,
    tz: ZoneInfo = TZ,
) -> WorkingTimeRules:
    """Rules from ``holidays.VN`` for ``years`` plus a table of local overrides.

    ``overrides[d] = True`` makes ``d`` a working day, ``False`` a day off.
    """
    vn = holidays.country_holidays("VN", years=list(years))
    days_off = set(vn.keys())
    extra = set(getattr(vn, "weekend_workdays", ()))
    for d, working in (overrides or {}).items():
        (extra if working else days_off).add(d)
        (days_off if working else extra).discard(d)
    return WorkingTimeRules(
        periods=periods,
        weekdays=frozenset(weekdays),
        days_off=frozenset(days_off),
        extra_working_days=frozenset(extra),
        tz=tz,
    )


@dataclass(frozen=True)
class Duration:
    value: int
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value <= 0:
            raise ValueError(f"duration must be a positive integer, got {self.value!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown duration unit {self.unit!r}")


@dataclass(frozen=True)
class DueDate:
    received_at: datetime
    counted_from: datetime
    due_at: datetime


def _require_aware(*values: datetime) -> None:
    for v in values:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError(f"naive datetime not allowed: {v!r}")


class WorkCalendar:
    """Working-time arithmetic under one set of rules. Period geometry is precomputed in
    microseconds since local midnight; working days are cached per year as sorted ordinals."""

    def __init__(self, rules: WorkingTimeRules) -> None:
        self.rules = rules
        periods: list[tuple[int, int, int]] = []  # (start, end, working time before start)
        elapsed = 0
        for s, e in rules.periods:
            periods.append((_us_of_day(s), _us_of_day(e), elapsed))
            elapsed += _us_of_day(e) - _us_of_day(s)
        self._periods = tuple(periods)
        self._first_start = periods[0][0]
        self._last_end = periods[-1][1]
        self._per_day = elapsed
        self._years: dict[int, list[int]] = {}

    def __repr__(self) -> str:
        return f"WorkCalendar({self.rules!r})"

    def _worked_before(self, x: int) -> int:
        """Working microseconds of a working day before clock offset ``x``."""
        for s, e, c in self._periods:
            if x < e:
                return c + max(0, x - s)
        return self._per_day

    def _offset_at(self, w: int) -> int:
        """Clock offset at which ``w`` (0 < w <= per_day) working microseconds have elapsed."""
        for s, e, c in self._periods:
            if w <= c + e - s:
                return s + w - c
        raise AssertionError("unreachable: w exceeds one working day")

    # ----- days -----
    def _year_days(self, year: int) -> list[int]:
        days = self._years.get(year)
        if days is None:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            days = [o for o in range(first, last + 1) if self.is_working_day(date.fromordinal(o))]
            self._years[year] = days
        return days

    def _nth_working_day_after(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly after ``d`` (n >= 1), skipping by whole years."""
        year, days = d.year, self._year_days(d.year)
        pos = bisect_right(days, d.toordinal())
        while pos + n > len(days):
            n -= len(days) - pos
            year, pos = year + 1, 0
            days = self._year_days(year)
        return date.fromordinal(days[pos + n - 1])

    def _working_days_between(self, a: date, b: date) -> int:
        """Number of working days strictly between ``a`` and ``b`` (a < b)."""
        lo, hi = a.toordinal(), b.toordinal()
        count = 0
        for year in range(a.year, b.year + 1):
            days = self._year_days(year)
            count += bisect_right(days, hi - 1) - bisect_right(days, lo)
        return count

    def is_working_day(self, d: date) -> bool:
        r = self.rules
        if d in r.extra_working_days:
            return True
        return d not in r.days_off and d.weekday() in r.weekdays

    def _working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def next_working_day(self, d: date) -> date:
        return self._nth_working_day_after(d, 1)

    def end_of_working_day(self, d: date) -> datetime:
        return self._at(d, self._last_end)

    # ----- local <-> aware -----
    def _local(self, at: datetime) -> tuple[date, int]:
        _require_aware(at)
        loc = at.astimezone(self.rules.tz)
        return loc.date(), _us_of_day(loc.time())

    def _at(self, d: date, x: int) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=self.rules.tz) + timedelta(microseconds=x)

    # ----- moments -----
    def _next_moment(self, d: date, x: int) -> tuple[date, int]:
        if self.is_working_day(d):
            for s, e, _ in self._periods:
                if x < s:
                    return d, s
                if x < e:
                    return d, x
        return self.next_working_day(d), self._first_start

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` if inside a working period (start inclusive, end exclusive), else the start
        of the next period."""
        return self._at(*self._next_moment(*self._local(at)))

    def _add(self, d: date, x: int, us: int) -> datetime:
        if us <= 0:
            return self._at(*self._next_moment(d, x))
        if self.is_working_day(d):
            used = self._worked_before(x)
            if us <= self._per_day - used:
                return self._at(d, self._offset_at(used + us))
            us -= self._per_day - used
        full_days, rest = divmod(us, self._per_day)
        if rest == 0:  # land on the end of a working day, not the start of the next one
            full_days, rest = full_days - 1, self._per_day
        return self._at(self._nth_working_day_after(d, full_days + 1), self._offset_at(rest))

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """Earliest instant at which ``seconds`` of working time have elapsed after ``start``."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        return self._add(*self._local(start), seconds * _US)

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Whole seconds of working time in ``[a, b)``; 0 if ``b <= a``."""
        (da, xa), (db, xb) = self._local(a), self._local(b)
        if b <= a:
            return 0
        if da == db:
            total = 0
            if self.is_working_day(da):
                total = self._worked_before(xb) - self._worked_before(xa)
        else:
            total = self._working_days_between(da, db) * self._per_day
            if self.is_working_day(da):
                total += self._per_day - self._worked_before(xa)
            if self.is_working_day(db):
                total += self._worked_before(xb)
        return total // _US

    # ----- due dates -----
    def due_date(
        self, received_at: datetime, duration: Duration, *, cutoff: time | None = None
    ) -> DueDate:
        """The legal due time of a dossier received at ``received_at`` (DOMAIN.md section 4).

        * working days / hours: N x (working day) of working time counted from the next
          working moment at or after receipt (provincial practice); ``counted_from`` is that
          moment.
        * calendar days (Civil Code 2015 Art. 147-148): the day of receipt is not counted; the
          period runs from 00:00 of the next calendar day, whatever kind of day it is, which is
          ``counted_from``; it ends at the end of working time (the last period's end, 17:00
          by default) of its N-th day, or, when that day is a day off, at the end of the next
          working day. The hour of receipt does not matter.
        * same day: the end of the working day of receipt, or of the next working day when
          received after the cut-off (``cutoff``, default 15:00), outside working time or on a
          day off; ``counted_from`` is the receipt's next working moment (or the next working
          day's start after the cut-off). A cut-off applies to same-day durations only: it is
          ignored for the other units (the API refuses it with them).
        """
        d, x = self._local(received_at)
        start_d, start_x = self._next_moment(d, x)
        n, unit = duration.value, duration.unit
        if unit == UNIT_WORKING_DAYS:
            due = self._add(start_d, start_x, n * self._per_day)
        elif unit == UNIT_WORKING_HOURS:
            due = self._add(start_d, start_x, n * 3600 * _US)
        elif unit == UNIT_CALENDAR_DAYS:
            # Civil Code 2015 Art. 147-148: the day of receipt is not counted; the period
            # starts at 00:00 of the next calendar day (working or not) and ends at the end of
            # working time of its last day, moved to the next working day if that is a day off.
            start_d, start_x = d + timedelta(days=1), 0
            due = self.end_of_working_day(self._working_day_on_or_after(d + timedelta(days=n)))
        else:  # UNIT_SAME_DAY
            # After the cut-off (or after closing, or on a day off): the next working day.
            if x > _us_of_day(DEFAULT_CUTOFF if cutoff is None else cutoff):
                start_d, start_x = self.next_working_day(d), self._first_start
            due_d = start_d if n == 1 else self._nth_working_day_after(start_d, n - 1)
            due = self.end_of_working_day(due_d)
        return DueDate(received_at.astimezone(self.rules.tz), self._at(start_d, start_x), due)

    def shift_for_pause(
        self, due_at: datetime, pause_start: datetime, pause_end: datetime, *,
        unit: str | None = None,
    ) -> datetime:
        """PAUSE mode: the due date moves by the time the clock stood still.

        Durations in working time (working days or hours, same day) move by the working time
        spent paused. A calendar-day duration (``unit`` UNIT_CALENDAR_DAYS) counts days, not
        working time, so it moves by the calendar days the pause covered: the days from the
        pause's day to the resumption's day (a pause begun and ended on the same day moves
        nothing), counted from the due day as it stands; the new last day ends at the end of
        working time, moved to the next working day when it is a day off.
        """
        _require_aware(due_at, pause_start, pause_end)
        if unit == UNIT_CALENDAR_DAYS:
            tz = self.rules.tz
            days = (pause_end.astimezone(tz).date() - pause_start.astimezone(tz).date()).days
            if days <= 0:
                return due_at.astimezone(tz)
            last = due_at.astimezone(tz).date() + timedelta(days=days)
            return self.end_of_working_day(self._working_day_on_or_after(last))
        paused = self.working_seconds_between(pause_start, pause_end)
        if paused == 0:
            return due_at.astimezone(self.rules.tz)
        return self.add_working_seconds(due_at, paused)

    def restart(
        self, resumed_at: datetime, duration: Duration, *, cutoff: time | None = None
    ) -> DueDate:
        """RESTART mode: the full duration is counted again from ``resumed_at``, by the same
        rules as at receipt (``due_date``): for calendar days the period starts on the day after
        the completed supplement and ends at the end of working time of its last day."""
        return self.due_date(resumed_at, duration, cutoff=cutoff)


GRANULARITIES = ("day", "exact")


# What `timeliness` answers, and NO_CLOCK for a dossier without a legal duration: one
# vocabulary for the API's enum, the worklists, the demo and the index.
TIMELINESS = ("early", "on_time", "late", "in_time", "overdue")
NO_CLOCK = "no_clock"


def timeliness(
    finished_at: datetime | None,
    due_at: datetime,
    now: datetime,
    calendar: WorkCalendar,
    granularity: str = "day",
) -> str:
    """Return "early", "on_time" or "late" for a finished dossier, "in_time" or "overdue"
    for an unfinished one (``finished_at`` None)."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity {granularity!r}")
    _require_aware(due_at, now)
    if finished_at is None:
        return "in_time" if now <= due_at else "overdue"
    _require_aware(finished_at)
    if finished_at > due_at:
        return "late"
    if granularity == "day":
        tz = calendar.rules.tz
        done_day = finished_at.astimezone(tz).date()
        if done_day < due_at.astimezone(tz).date() and calendar.is_working_day(done_day):
            return "early"
    return "on_time"


def add_months(day: date, months: int) -> date:
    """The day `months` calendar months after `day`: the same day of the month, or the last
    day of the month that has none (Civil Code 2015, Art. 148: a period in months ends on the
    corresponding day of its last month, else on that month's last day). 31/08 + 6 months is
    28/02 (29/02 in a leap year)."""
    if months < 0:
        raise ValueError(f"a number of months from 0 is expected, got {months}")
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
