"""The explanation of a due time (workcalendar.explain): pure; run with ``-p no:django``."""

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workcalendar.explain import Day, DayKind, Start, explain_due_date
from motcua.workcalendar.rules import (
    TZ,
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    UNIT_WORKING_HOURS,
    UNITS,
    Duration,
    WorkCalendar,
    WorkingTimeRules,
    vietnam_rules,
)

CAL = WorkCalendar(vietnam_rules(range(2025, 2029)))
NAMES = dict(holidays.country_holidays("VN", years=range(2025, 2029), language="vi"))


def at(text: str) -> datetime:
    return datetime.strptime(text, "%H:%M %d/%m/%Y").replace(tzinfo=TZ)


def explain(received: str, value: int, unit: str, cutoff: time | None = None):
    return explain_due_date(CAL, at(received), Duration(value, unit), cutoff=cutoff,
                            names=NAMES)


def row(d: Day) -> tuple:
    """A day as a reader checks it: date, kind, counted, working time, name."""
    return (f"{d.day:%d/%m}", d.kind.value, d.counted, d.working_time, d.name)


H = timedelta(hours=1)


# ---------------------------------------------------------------- the cases people ask about


def test_received_after_the_cutoff_counts_from_the_next_working_morning() -> None:
    e = explain("15:30 20/11/2026", 1, UNIT_SAME_DAY)  # Friday, after 15:00
    assert e.start == Start.AFTER_CUTOFF and e.cutoff == time(15, 0)
    assert e.receipt_day.kind == DayKind.WORKING
    assert e.counted_from == at("07:00 23/11/2026")
    assert [row(d) for d in e.days] == [
        ("21/11", "weekend", False, timedelta(0), ""),
        ("22/11", "weekend", False, timedelta(0), ""),
        ("23/11", "working", True, 8 * H, ""),
    ]
    assert e.due_at == at("17:00 23/11/2026")


def test_the_cutoff_is_the_procedures_own() -> None:
    assert explain("15:30 20/11/2026", 1, UNIT_SAME_DAY, cutoff=time(16)).start == (
        Start.IN_WORKING_TIME)


def test_working_days_over_tet_name_each_holiday() -> None:
    e = explain("10:00 13/02/2026", 3, UNIT_WORKING_DAYS)  # Friday before Tết 2026
    assert e.start == Start.IN_WORKING_TIME and e.counted_from == at("10:00 13/02/2026")
    assert [row(d) for d in e.days] == [
        ("13/02", "working", True, 5 * H, ""),
        ("14/02", "weekend", False, timedelta(0), ""),
        ("15/02", "weekend", False, timedelta(0), ""),
        ("16/02", "day_off", False, timedelta(0), "Giao thừa Tết Nguyên Đán"),
        ("17/02", "day_off", False, timedelta(0), "Tết Nguyên Đán"),
        ("18/02", "day_off", False, timedelta(0), "Mùng hai Tết Nguyên Đán"),
        ("19/02", "day_off", False, timedelta(0), "Mùng ba Tết Nguyên Đán"),
        ("20/02", "day_off", False, timedelta(0), "Mùng bốn Tết Nguyên Đán"),
        ("21/02", "weekend", False, timedelta(0), ""),
        ("22/02", "weekend", False, timedelta(0), ""),
        ("23/02", "working", True, 8 * H, ""),
        ("24/02", "working", True, 8 * H, ""),
        ("25/02", "working", True, 3 * H, ""),
    ]
    assert e.days[0].periods == ((at("10:00 13/02/2026"), at("11:30 13/02/2026")),
                                 (at("13:30 13/02/2026"), at("17:00 13/02/2026")))
    assert e.due_at == at("10:00 25/02/2026")
    assert len(e.skipped_days) == 9 and e.working_time == 24 * H


def test_a_swapped_working_saturday_is_counted_and_its_day_off_skipped() -> None:
    e = explain("16:00 21/08/2026", 2, UNIT_WORKING_DAYS)  # Friday; Sat 22/08 is worked
    assert [row(d)[:4] for d in e.days] == [
        ("21/08", "working", True, 1 * H),
        ("22/08", "swapped", True, 8 * H),
        ("23/08", "weekend", False, timedelta(0)),
        ("24/08", "working", True, 7 * H),
    ]
    e = explain("16:00 28/08/2026", 1, UNIT_WORKING_DAYS)
    assert [(row(d)[0], row(d)[1], row(d)[4]) for d in e.skipped_days] == [
        ("29/08", "weekend", ""), ("30/08", "weekend", ""),
        ("31/08", "day_off", "Ngày nghỉ (thay cho ngày 22/08/2026)"),
        ("01/09", "day_off", "Quốc khánh"), ("02/09", "day_off", "Quốc khánh"),
    ]
    assert e.due_at == at("16:00 03/09/2026")  # 1 h on Friday, 7 h on Thursday


@pytest.mark.parametrize(("received", "start", "counted_from"), [
    ("06:15 17/11/2026", Start.BEFORE_OPENING, "07:00 17/11/2026"),
    ("12:00 17/11/2026", Start.BETWEEN_PERIODS, "13:30 17/11/2026"),
    ("17:00 17/11/2026", Start.AFTER_CLOSING, "07:00 18/11/2026"),
    ("17:30 13/11/2026", Start.AFTER_CLOSING, "07:00 16/11/2026"),
    ("10:00 15/11/2026", Start.DAY_OFF, "07:00 16/11/2026"),
    ("10:00 24/11/2026", Start.DAY_OFF, "07:00 25/11/2026"),
    ("11:29 17/11/2026", Start.IN_WORKING_TIME, "11:29 17/11/2026"),
])
def test_why_counting_starts_where_it_does(received: str, start: Start, counted_from: str
                                           ) -> None:
    e = explain(received, 4, UNIT_WORKING_HOURS)
    assert (e.start, e.counted_from) == (start, at(counted_from))
    assert e.cutoff is None  # a cut-off is for same-day procedures only
    assert CAL.due_date(at(received), Duration(4, UNIT_WORKING_HOURS)).due_at == e.due_at


def test_received_on_a_holiday_names_it() -> None:
    e = explain("10:00 24/11/2026", 1, UNIT_WORKING_DAYS)
    assert (e.receipt_day.kind, e.receipt_day.name) == (DayKind.DAY_OFF, "Ngày Văn hóa Việt Nam")
    assert e.days[0].day == date(2026, 11, 25)  # the day of receipt itself is not listed


def test_calendar_days_friday_evening_example_of_domain_md() -> None:
    e = explain("18:00 13/11/2026", 10, UNIT_CALENDAR_DAYS)
    assert e.start == Start.NEXT_DAY and e.counted_from == at("00:00 14/11/2026")
    assert [d.number for d in e.counted_days] == list(range(1, 11))
    assert e.counted_days[0].kind == DayKind.WEEKEND  # the Civil Code counts every day
    assert e.counted_days[-1].day == date(2026, 11, 23) and not e.moved_to_working_day
    assert e.due_at == at("17:00 23/11/2026")


def test_calendar_days_ending_on_days_off_move_to_the_next_working_day() -> None:
    e = explain("09:00 21/04/2026", 5, UNIT_CALENDAR_DAYS)  # the 5th day is Sun 26/04
    assert [(row(d)[0], row(d)[1], d.counted, d.moved) for d in e.days[-3:]] == [
        ("26/04", "day_off", True, False),  # Hùng Kings, on a Sunday
        ("27/04", "day_off", False, True),  # ... observed on Monday
        ("28/04", "working", False, True),
    ]
    assert e.days[-2].name == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert e.moved_to_working_day and e.due_at == at("17:00 28/04/2026")


def test_names_are_optional_and_naive_times_refused() -> None:
    e = explain_due_date(CAL, at("10:00 13/02/2026"), Duration(3, UNIT_WORKING_DAYS))
    assert all(d.name == "" for d in e.days)
    with pytest.raises(ValueError):
        explain_due_date(CAL, datetime(2026, 2, 13, 10), Duration(3, UNIT_WORKING_DAYS))


# ---------------------------------------------------------------- equal to rules.due_date


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Any working calendar: 1 to 3 working periods a day (some back to back), any working
    weekdays, random days off and extra working days (swapped Saturdays, local overrides)
    around 2026."""
    minutes = draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=6, unique=True)
                   .filter(lambda m: len(m) % 2 == 0).map(sorted))
    for i in range(2, len(minutes), 2):  # a period may start when the previous one ends
        if draw(st.booleans()):
            minutes[i] = minutes[i - 1]
    periods = tuple((time(s // 60, s % 60), time(e // 60, e % 60))
                    for s, e in zip(minutes[::2], minutes[1::2], strict=True))
    days = st.dates(date(2025, 12, 1), date(2027, 3, 31))
    return WorkCalendar(WorkingTimeRules(
        periods=periods,
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        days_off=draw(st.frozensets(days, max_size=80)),
        extra_working_days=draw(st.frozensets(days, max_size=20)),
    ))


@st.composite
def receipts(draw: st.DrawFn, calendar: WorkCalendar) -> datetime:
    """Any time in 2026, often exactly on an opening or a closing."""
    day = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    edges = sorted({t for period in calendar.rules.periods for t in period})
    moment = draw(st.sampled_from(edges) | st.times())
    return datetime.combine(day, moment, TZ)


durations = st.builds(Duration, st.integers(1, 40), st.sampled_from(sorted(UNITS)))
cutoffs = st.none() | st.times()


@settings(max_examples=200, deadline=None)
@given(calendars(), st.data(), durations, cutoffs)
def test_the_explanation_ends_where_the_due_date_does(
    calendar: WorkCalendar, data: st.DataObject, duration: Duration, cutoff: time | None
) -> None:
    received = data.draw(receipts(calendar))
    e = explain_due_date(calendar, received, duration, cutoff=cutoff)
    due = calendar.due_date(received, duration, cutoff=cutoff)
    assert (e.counted_from, e.due_at) == (due.counted_from, due.due_at)
    # The counted days are the duration.
    if duration.unit in (UNIT_WORKING_DAYS, UNIT_WORKING_HOURS):
        per_unit = (calendar.rules.working_seconds_per_day
                    if duration.unit == UNIT_WORKING_DAYS else 3600)
        assert e.working_time == timedelta(seconds=duration.value * per_unit)
        assert e.working_time == timedelta(
            seconds=calendar.working_seconds_between(e.counted_from, e.due_at))
    else:
        assert len(e.counted_days) == duration.value
    assert [d.number for d in e.counted_days] == list(range(1, duration.value + 1)) or (
        duration.unit in (UNIT_WORKING_DAYS, UNIT_WORKING_HOURS))
    # One line a day, consecutive, from receipt (or the day after) to the due day.
    first = received.date() if e.days[0].day == received.date() else received.date() + (
        timedelta(days=1))
    assert [d.day for d in e.days] == [first + timedelta(days=i) for i in range(len(e.days))]
    assert e.days[-1].day == e.due_at.date()
    rules = calendar.rules
    for d in [e.receipt_day, *e.days]:
        assert d.kind.is_working == calendar.is_working_day(d.day)
        usual = d.day.weekday() in rules.weekdays
        assert (d.kind == DayKind.SWAPPED) == (d.kind.is_working and not usual)
        assert (d.kind == DayKind.WEEKEND) == (
            not d.kind.is_working and not usual and d.day not in rules.days_off)
    for d in e.days:
        if duration.unit != UNIT_CALENDAR_DAYS:
            assert d.counted == d.kind.is_working  # every working day counts, no day off does
            assert all(e.counted_from <= s < end <= e.due_at for s, end in d.periods)
        else:
            assert d.counted != d.moved and not d.periods
    if duration.unit == UNIT_SAME_DAY:
        assert (e.cutoff is not None) and (e.start != Start.NEXT_DAY)
    if e.start == Start.IN_WORKING_TIME:
        assert e.counted_from == received
