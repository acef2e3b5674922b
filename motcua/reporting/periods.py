"""Periods of the index: a month, a quarter or a year, in Vietnam time (DOMAIN.md §5).

Pure module: no database. Rollups are kept per local month (`month_of`); a quarter and a year
are runs of months. A period is the half-open interval [start, end) of local midnights.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.workcalendar.rules import TZ

MONTH, QUARTER, YEAR = "month", "quarter", "year"
# The portal's `timeType` vocabulary (DOMAIN.md §5: "Periods: month, quarter, year").
TIME_TYPES = (MONTH, QUARTER, YEAR)
# Where the instant of evaluation of a period still running sits: just after `now`, so that
# what happened at `now` itself counts as done (a dossier finished at `now` is finished).
JUST_AFTER = dt.timedelta(microseconds=1)


def month_of(instant: dt.datetime) -> dt.date:
    """The first day of the local month holding `instant`: the key of the rollups."""
    local = instant.astimezone(TZ)
    return dt.date(local.year, local.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_start(month: dt.date) -> dt.datetime:
    """Local midnight of the first day of `month`."""
    return dt.datetime(month.year, month.month, 1, tzinfo=TZ)


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH | QUARTER | YEAR
    year: int
    number: int = 0  # the month (1–12) or the quarter (1–4); 0 for a year

    def __post_init__(self) -> None:
        limit = {MONTH: 12, QUARTER: 4, YEAR: 0}.get(self.kind)
        if limit is None:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not (1 <= self.year <= 9998) or not (
                (limit == 0 and self.number == 0) or 1 <= self.number <= limit):
            raise ValueError(f"no such period: {self.kind} {self.number} of {self.year}")

    @property
    def first_month(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def months(self) -> list[dt.date]:
        count = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        months = [self.first_month]
        while len(months) < count:
            months.append(next_month(months[-1]))
        return months

    @property
    def end_month(self) -> dt.date:
        """The first month after the period."""
        return next_month(self.months[-1])

    @property
    def start(self) -> dt.datetime:
        return month_start(self.first_month)

    @property
    def end(self) -> dt.datetime:
        return month_start(self.end_month)

    @property
    def first_day(self) -> dt.date:
        return self.first_month

    @property
    def last_day(self) -> dt.date:
        return self.end_month - dt.timedelta(days=1)

    def previous_year(self) -> Period:
        return Period(YEAR, self.year - 1)

    @property
    def parts_of_year(self) -> int:
        """How many such periods make a year: 12 months, 4 quarters, 1 year."""
        return {MONTH: 12, QUARTER: 4, YEAR: 1}[self.kind]

    def evaluated_at(self, now: dt.datetime) -> dt.datetime:
        """The instant the period is judged at: its end once it is over, else just after
        `now` (the index is computed in real time)."""
        return min(self.end, now + JUST_AFTER)

    def has_started(self, now: dt.datetime) -> bool:
        return self.start <= now

    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.number:02d}/{self.year}"
        if self.kind == QUARTER:
            return f"Q{self.number}/{self.year}"
        return str(self.year)


def period_of(kind: str, year: int, *, quarter: int | None = None,
              month: int | None = None) -> Period:
    if kind == MONTH:
        return Period(MONTH, year, month or 0)
    if kind == QUARTER:
        return Period(QUARTER, year, quarter or 0)
    return Period(kind, year)
