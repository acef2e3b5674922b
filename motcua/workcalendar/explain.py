"""Why a due time is what it is: the due-date rules of `rules.py` told day by day.

Pure, like `rules.py`: no Django, no database. `explain_due_date` takes the inputs of
`WorkCalendar.due_date` and walks the calendar one day at a time, a path independent of that
method's arithmetic; the property tests (tests/test_explain.py) prove both give the same
counting start and due time for random receipts, durations and calendars.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from motcua.workcalendar.rules import (
    DEFAULT_CUTOFF,
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    Duration,
    WorkCalendar,
)

ONE_DAY = timedelta(days=1)


class Start(StrEnum):
    """Why counting starts where it does."""

    IN_WORKING_TIME = "in_working_time"  # at the moment of receipt
    BEFORE_OPENING = "before_opening"  # at the opening of the day of receipt
    BETWEEN_PERIODS = "between_periods"  # at the next working period of that day (after lunch)
    AFTER_CLOSING = "after_closing"  # received after working hours: the next working morning
    DAY_OFF = "day_off"  # received on a day off: the next working morning
    AFTER_CUTOFF = "after_cutoff"  # same-day procedure received after the cut-off
    NEXT_DAY = "next_day"  # calendar days: 00:00 of the day after receipt (Civil Code)


class DayKind(StrEnum):
    WORKING = "working"
    SWAPPED = "swapped"  # a working day on a usual day off: a swapped Saturday, an override
    WEEKEND = "weekend"
    DAY_OFF = "day_off"  # a public holiday or a local day off on a usual working day

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKING, DayKind.SWAPPED)


@dataclass(frozen=True)
class Day:
    """One calendar day of the counting, and what it did to the due time."""

    day: date
    kind: DayKind
    name: str = ""  # the holiday's or the local override's name, when known
    counted: bool = False  # it counts toward the duration
    number: int = 0  # its place among the counted days (1, 2, ...); 0 when not counted
    # The working time counted on it (working days or hours, same day), as (start, end).
    periods: tuple[tuple[datetime, datetime], ...] = ()
    # Calendar days: after the period's last day, which was a day off, up to the working day
    # on which it ends instead.
    moved: bool = False

    @property
    def working_time(self) -> timedelta:
        return sum((end - start for start, end in self.periods), timedelta())


@dataclass(frozen=True)
class Explanation:
    """A due-date computation, day by day. `days` runs from the first day that matters (the
    day of receipt when counting starts on it, else the day after) to the due day."""

    received_at: datetime
    duration: Duration
    start: Start
    receipt_day: Day  # the kind and name of the day of receipt
    counted_from: datetime
    days: tuple[Day, ...]
    due_at: datetime
    cutoff: time | None = None  # the cut-off that applied (same-day durations only)

    @property
    def counted_days(self) -> tuple[Day, ...]:
        return tuple(d for d in self.days if d.counted)

    @property
    def skipped_days(self) -> tuple[Day, ...]:
        """Days passed over: not counted, and days off (weekends, holidays)."""
        return tuple(d for d in self.days if not d.counted and not d.kind.is_working)

    @property
    def working_time(self) -> timedelta:
        return sum((d.working_time for d in self.days), timedelta())

    @property
    def moved_to_working_day(self) -> bool:
        """Calendar days: the period's last day was a day off, so it ends on a later day."""
        return any(d.moved for d in self.days)


def day_kind(calendar: WorkCalendar, d: date) -> DayKind:
    usual = d.weekday() in calendar.rules.weekdays
    if calendar.is_working_day(d):
        return DayKind.WORKING if usual else DayKind.SWAPPED
    return DayKind.DAY_OFF if usual or d in calendar.rules.days_off else DayKind.WEEKEND


def explain_due_date(
    calendar: WorkCalendar, received_at: datetime, duration: Duration, *,
    cutoff: time | None = None, names: Mapping[date, str] | None = None,
) -> Explanation:
    """The computation of `calendar.due_date(received_at, duration, cutoff=cutoff)`, day by
    day. `names`: the names of holidays and local overrides, by day."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {received_at!r}")
    received = received_at.astimezone(calendar.rules.tz)
    names = names or {}

    def day(d: date) -> Day:
        return Day(d, day_kind(calendar, d), names.get(d, ""))

    if duration.unit == UNIT_CALENDAR_DAYS:
        return _calendar_days(calendar, received, duration, day)
    applied_cutoff = (cutoff or DEFAULT_CUTOFF) if duration.unit == UNIT_SAME_DAY else None
    start, counted_from = _start(calendar, received, applied_cutoff)
    days: list[Day] = []
    # Working days or hours: this much working time; same day: whole working days.
    remaining: timedelta | None = None
    if duration.unit != UNIT_SAME_DAY:
        per_unit = (timedelta(seconds=calendar.rules.working_seconds_per_day)
                    if duration.unit == UNIT_WORKING_DAYS else timedelta(hours=1))
        remaining = duration.value * per_unit
    current = counted_from.date() if counted_from.date() == received.date() else (
        received.date() + ONE_DAY)
    while True:
        info = day(current)
        if not info.kind.is_working:
            days.append(info)
            current += ONE_DAY
            continue
        periods: list[tuple[datetime, datetime]] = []
        for open_at, close_at in calendar.rules.periods:
            lo = max(_combine(calendar, current, open_at), counted_from)
            hi = _combine(calendar, current, close_at)
            if lo >= hi:
                continue
            if remaining is not None:
                hi = min(hi, lo + remaining)
                remaining -= hi - lo
            periods.append((lo, hi))
            if remaining is not None and not remaining:
                break
        number = sum(1 for d in days if d.counted) + 1
        days.append(replace(info, counted=True, number=number, periods=tuple(periods)))
        done = not remaining if remaining is not None else number == duration.value
        if done:
            return Explanation(received, duration, start, day(received.date()), counted_from,
                               tuple(days), periods[-1][1], applied_cutoff)
        current += ONE_DAY


def _combine(calendar: WorkCalendar, d: date, t: time) -> datetime:
    return datetime.combine(d, t, calendar.rules.tz)


def _start(calendar: WorkCalendar, received: datetime, cutoff: time | None
           ) -> tuple[Start, datetime]:
    """Why and where counting in working time starts (DOMAIN.md §4: at the next working
    moment; a same-day procedure received after its cut-off, the next working day)."""
    d, t = received.date(), received.time()
    periods = calendar.rules.periods
    if not calendar.is_working_day(d):
        reason = Start.DAY_OFF
    elif t >= periods[-1][1]:
        reason = Start.AFTER_CLOSING
    elif cutoff is not None and t > cutoff:
        reason = Start.AFTER_CUTOFF
    elif t < periods[0][0]:
        return Start.BEFORE_OPENING, _combine(calendar, d, periods[0][0])
    elif any(s <= t < e for s, e in periods):
        return Start.IN_WORKING_TIME, received
    else:
        opening = next(s for s, _ in periods if t < s)
        return Start.BETWEEN_PERIODS, _combine(calendar, d, opening)
    following = d + ONE_DAY
    while not calendar.is_working_day(following):
        following += ONE_DAY
    return reason, _combine(calendar, following, periods[0][0])


def _calendar_days(calendar: WorkCalendar, received: datetime, duration: Duration,
                   day: Callable[[date], Day]) -> Explanation:
    """Civil Code 2015 Art. 147-148: the day of receipt is not counted; every day after it is,
    whatever its kind; the period ends at the end of working time of its last day, or, when
    that is a day off, of the next working day."""
    first = received.date() + ONE_DAY
    days = [replace(day(first + n * ONE_DAY), counted=True, number=n + 1)
            for n in range(duration.value)]
    current = days[-1].day
    while not calendar.is_working_day(current):
        current += ONE_DAY
        days.append(replace(day(current), moved=True))
    due = _combine(calendar, current, calendar.rules.periods[-1][1])
    return Explanation(received, duration, Start.NEXT_DAY, day(received.date()),
                       _combine(calendar, first, time(0)), tuple(days), due)
