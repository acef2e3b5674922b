"""The legal clock of a petition (DOMAIN.md §5, indicator 5.1): the competent agency handles it
within 15 working days; refusing to handle it must come within 2 working days, and asking the
petitioner for more information within 5. Each counts from the petition's receipt, or from the
information asked for once it arrives (the petition is complete only then).

Pure module: no database. `late_from` gives the first instant a petition is late, the one rule
the worklists, the pages and the index read:

- an open petition is late once its deadline passes (at the deadline itself it is in time);
- an answer or a refusal after the deadline: late from the deadline;
- a refusal after its 2 working days, a question after its 5: late from that moment
  (`late_since`, recorded by the action), whatever happens next;
- a petition waiting for the petitioner's information asked in time is not late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.workcalendar.rules import UNIT_WORKING_DAYS, Duration, WorkCalendar

HANDLE_WORKING_DAYS = 15
REFUSE_WORKING_DAYS = 2
CLARIFY_WORKING_DAYS = 5

OPEN, WAITING, ANSWERED, REFUSED = "open", "waiting", "answered", "refused"  # Petition.Status


@dataclass(frozen=True)
class Deadlines:
    handle: dt.datetime  # answer (or refuse) by then
    refuse: dt.datetime  # refuse to handle it by then
    clarify: dt.datetime  # ask for more information by then


def deadlines(counted_from: dt.datetime, calendar: WorkCalendar) -> Deadlines:
    def due(days: int) -> dt.datetime:
        return calendar.due_date(counted_from, Duration(days, UNIT_WORKING_DAYS)).due_at

    return Deadlines(due(HANDLE_WORKING_DAYS), due(REFUSE_WORKING_DAYS),
                     due(CLARIFY_WORKING_DAYS))


@dataclass(frozen=True)
class Clock:
    """A petition's fields the rule reads (petitions.Petition)."""

    status: str
    deadline: dt.datetime
    handled_at: dt.datetime | None
    late_since: dt.datetime | None


def late_from(c: Clock) -> dt.datetime | None:
    """The first instant the petition is (or will be, if nothing changes) late; None when it
    is handled in time, or waits for the petitioner's information asked in time."""
    bounds = [c.late_since] if c.late_since is not None else []
    if c.status == OPEN or (c.status in (ANSWERED, REFUSED) and c.handled_at is not None
                            and c.handled_at > c.deadline):
        bounds.append(c.deadline)
    return min(bounds) if bounds else None


def late_at(c: Clock, now: dt.datetime) -> bool:
    bound = late_from(c)
    return bound is not None and bound < now
