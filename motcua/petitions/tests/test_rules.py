"""The legal clock of a petition (pure rules): the deadlines on the working calendar, and the
first instant a petition is late, checked on examples and with hypothesis."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.tests.factories import at
from motcua.petitions import rules
from motcua.petitions.rules import Clock
from motcua.workcalendar.rules import TZ, WorkCalendar, vietnam_rules

CALENDAR = WorkCalendar(vietnam_rules(range(2025, 2028)))
DEADLINE = at("09:00 25/03/2026")


def test_deadlines_count_working_days_past_holidays():
    # received Friday 13/02/2026 at 10:00, before Tết (16–20/02): 2 working days end Tuesday
    # 24/02 10:00 (the next Monday 23/02 is the first working day after Tết)
    d = rules.deadlines(at("10:00 13/02/2026"), CALENDAR)
    assert d.refuse == at("10:00 24/02/2026")
    assert d.clarify == at("10:00 27/02/2026")
    assert d.handle == at("10:00 13/03/2026")
    # received on a Sunday: counted from Monday 07:00, so its 2 working days end on Tuesday
    assert rules.deadlines(at("15:00 01/03/2026"), CALENDAR).refuse == at("17:00 03/03/2026")


def test_late_from_by_example():
    assert rules.late_from(Clock("open", DEADLINE, None, None)) == DEADLINE
    assert rules.late_from(Clock("answered", DEADLINE, at("09:00 25/03/2026"), None)) is None
    assert rules.late_from(Clock("answered", DEADLINE, at("09:01 25/03/2026"), None)) == DEADLINE
    refused_late = at("09:00 10/03/2026")
    assert rules.late_from(Clock("refused", DEADLINE, refused_late, refused_late)) == \
        refused_late
    assert rules.late_from(Clock("waiting", DEADLINE, None, None)) is None
    asked_late = at("09:00 12/03/2026")
    assert rules.late_from(Clock("waiting", DEADLINE, None, asked_late)) == asked_late
    # at the deadline itself it is in time; a moment after, late
    assert not rules.late_at(Clock("open", DEADLINE, None, None), DEADLINE)
    assert rules.late_at(Clock("open", DEADLINE, None, None),
                         DEADLINE + dt.timedelta(microseconds=1))


instants = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31),
                        timezones=st.just(TZ))
clocks = st.builds(Clock, st.sampled_from(["open", "waiting", "answered", "refused"]),
                   instants, st.none() | instants, st.none() | instants)


@given(clocks, instants, instants)
def test_once_late_a_petition_stays_late(clock, a, b):
    early, later = sorted((a, b))
    assert not rules.late_at(clock, early) or rules.late_at(clock, later)


@given(clocks)
def test_a_petition_handled_within_its_deadline_without_a_late_step_is_never_late(clock):
    if clock.status in ("answered", "refused") and clock.handled_at is not None \
            and clock.handled_at <= clock.deadline and clock.late_since is None:
        assert rules.late_from(clock) is None
