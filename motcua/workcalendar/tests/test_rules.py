"""Tests for motcua.workcalendar.rules (pure; run with ``-p no:django``)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workcalendar.rules import (
    TZ,
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    UNIT_WORKING_HOURS,
    Duration,
    WorkCalendar,
    WorkingTimeRules,
    add_months,
    timeliness,
    vietnam_rules,
)

CAL = WorkCalendar(vietnam_rules(range(2024, 2031)))
DAY = 8 * 3600


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def due(received: datetime, value: int, unit: str, cutoff: time | None = None) -> datetime:
    return CAL.due_date(received, Duration(value, unit), cutoff=cutoff).due_at


# ---------------------------------------------------------------- Vietnam 2026 calendar


@pytest.mark.parametrize(
    "day",
    [
        *(date(2026, 2, d) for d in range(14, 23)),  # Tết: Sat 14 - Sun 22 Feb
        date(2026, 1, 1),
        date(2026, 4, 27),  # Hùng Kings (Sun 26 Apr) observed on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # swapped with Saturday 22 Aug
        date(2026, 9, 1),
        date(2026, 9, 2),
    ],
)
def test_2026_days_off(day: date) -> None:
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day", [date(2026, 2, 13), date(2026, 2, 23), date(2026, 4, 28), date(2026, 8, 22)]
)
def test_2026_working_days(day: date) -> None:
    assert CAL.is_working_day(day)


def test_working_seconds_per_day_default() -> None:
    assert WorkingTimeRules().working_seconds_per_day == 28_800


# ---------------------------------------------------------------- working days / hours


def test_three_working_days_received_before_tet_due_after_tet() -> None:
    # Fri 13 Feb: 5 h left; Tết 14-22 Feb; Mon 23 + Tue 24 = 16 h; 3 h on Wed 25 Feb.
    assert due(vn(2026, 2, 13, 10), 3, UNIT_WORKING_DAYS) == vn(2026, 2, 25, 10)


def test_one_working_day_lands_on_swapped_working_saturday() -> None:
    assert due(vn(2026, 8, 21, 16), 1, UNIT_WORKING_DAYS) == vn(2026, 8, 22, 16)


def test_three_working_days_across_national_day() -> None:
    # Fri 28 Aug 09:00: Fri 6 h, then 31 Aug, 1 and 2 Sep are off; Thu 3 Sep 8 h, Fri 4 Sep 8 h,
    # 2 h on Mon 7 Sep.
    assert due(vn(2026, 8, 28, 9), 3, UNIT_WORKING_DAYS) == vn(2026, 9, 7, 9)


def test_receipt_before_opening_counts_from_07_00() -> None:
    d = CAL.due_date(vn(2026, 3, 10, 6), Duration(1, UNIT_WORKING_DAYS))
    assert d.counted_from == vn(2026, 3, 10, 7)
    assert d.due_at == vn(2026, 3, 10, 17)  # a full day ends at 17:00, not 07:00 next day


def test_receipt_at_lunch_counts_from_13_30() -> None:
    d = CAL.due_date(vn(2026, 3, 10, 12), Duration(2, UNIT_WORKING_HOURS))
    assert d.counted_from == vn(2026, 3, 10, 13, 30)
    assert d.due_at == vn(2026, 3, 10, 15, 30)


def test_receipt_at_16_30_for_one_working_hour() -> None:
    # Thu 12 Mar 2026: 30 min today, 30 min on Friday morning.
    assert due(vn(2026, 3, 12, 16, 30), 1, UNIT_WORKING_HOURS) == vn(2026, 3, 13, 7, 30)


def test_receipt_on_weekend_counts_from_monday() -> None:
    d = CAL.due_date(vn(2026, 3, 7, 10), Duration(1, UNIT_WORKING_DAYS))
    assert d.counted_from == vn(2026, 3, 9, 7)
    assert d.due_at == vn(2026, 3, 9, 17)


def test_results_are_in_local_time_whatever_the_input_zone() -> None:
    d = CAL.due_date(datetime(2026, 3, 10, 3, tzinfo=UTC), Duration(1, UNIT_WORKING_HOURS))
    assert d.received_at == vn(2026, 3, 10, 10)
    assert d.due_at == vn(2026, 3, 10, 11) and d.due_at.tzinfo == TZ


# ---------------------------------------------------------------- same day


def test_same_day_before_cutoff() -> None:
    assert due(vn(2026, 3, 6, 14, 59), 1, UNIT_SAME_DAY) == vn(2026, 3, 6, 17)
    assert due(vn(2026, 3, 6, 15, 0), 1, UNIT_SAME_DAY) == vn(2026, 3, 6, 17)


def test_same_day_after_cutoff_on_friday_is_due_monday() -> None:
    d = CAL.due_date(vn(2026, 3, 6, 15, 1), Duration(1, UNIT_SAME_DAY))
    assert d.counted_from == vn(2026, 3, 9, 7)
    assert d.due_at == vn(2026, 3, 9, 17)


def test_same_day_after_cutoff_before_tet() -> None:
    assert due(vn(2026, 2, 13, 16), 1, UNIT_SAME_DAY) == vn(2026, 2, 23, 17)


def test_same_day_after_closing_and_on_weekend() -> None:
    assert due(vn(2026, 3, 10, 17, 30), 1, UNIT_SAME_DAY) == vn(2026, 3, 11, 17)
    assert due(vn(2026, 3, 7, 9), 1, UNIT_SAME_DAY) == vn(2026, 3, 9, 17)


def test_same_day_custom_cutoff() -> None:
    assert due(vn(2026, 3, 10, 10, 59), 1, UNIT_SAME_DAY, cutoff=time(11)) == vn(2026, 3, 10, 17)
    assert due(vn(2026, 3, 10, 11, 15), 1, UNIT_SAME_DAY, cutoff=time(11)) == vn(2026, 3, 11, 17)


def test_same_day_with_value_two_ends_on_the_next_working_day() -> None:
    assert due(vn(2026, 3, 6, 9), 2, UNIT_SAME_DAY) == vn(2026, 3, 9, 17)


# ---------------------------------------------------------------- calendar days


def test_calendar_days_friday_evening_example_of_domain_md() -> None:
    # DOMAIN.md section 4: received Friday 18:00, 10 calendar days -> Monday ten days later,
    # 17:00 (Sat 7 Mar is day 1, Mon 16 Mar day 10), not Thursday 07:00.
    d = CAL.due_date(vn(2026, 3, 6, 18), Duration(10, UNIT_CALENDAR_DAYS))
    assert d.counted_from == vn(2026, 3, 7)
    assert d.due_at == vn(2026, 3, 16, 17)


def test_calendar_days_ignore_the_hour_of_receipt() -> None:
    for hour in (6, 9, 12, 16, 23):
        assert due(vn(2026, 3, 9, hour), 10, UNIT_CALENDAR_DAYS) == vn(2026, 3, 19, 17)


def test_calendar_days_landing_on_sunday_holiday_moves_past_observed_day() -> None:
    # Thu 23 Apr + 3 days = Sun 26 Apr (Hùng Kings); Mon 27 Apr is the observed day off.
    assert due(vn(2026, 4, 23, 10), 3, UNIT_CALENDAR_DAYS) == vn(2026, 4, 28, 17)


def test_calendar_days_ending_on_a_public_holiday() -> None:
    # Tue 28 Apr + 2 days = Thu 30 Apr (Reunification Day); 1 May is off too, then the weekend.
    assert due(vn(2026, 4, 28, 9), 2, UNIT_CALENDAR_DAYS) == vn(2026, 5, 4, 17)
    # Fri 21 Aug 2026 + 12 days = Wed 2 Sep (National Day; 31 Aug and 1 Sep off): Thu 3 Sep.
    assert due(vn(2026, 8, 21, 10), 12, UNIT_CALENDAR_DAYS) == vn(2026, 9, 3, 17)


def test_calendar_days_ending_at_tet_2026() -> None:
    # holidays.VN 2026: Tết from Sat 14 to Sun 22 Feb. Received Tue 3 Feb, 10 days -> Fri 13 Feb
    # (a working day, the eve of the break); 15 days -> Wed 18 Feb (Tết) -> Mon 23 Feb 17:00.
    assert due(vn(2026, 2, 3, 10), 10, UNIT_CALENDAR_DAYS) == vn(2026, 2, 13, 17)
    assert due(vn(2026, 2, 3, 10), 15, UNIT_CALENDAR_DAYS) == vn(2026, 2, 23, 17)


def test_calendar_days_ending_at_tet_2027() -> None:
    # holidays.VN 2027: Tết from Fri 5 to Wed 10 Feb 2027 (Lunar New Year on Sat 6 Feb).
    for day in range(5, 11):
        assert not CAL.is_working_day(date(2027, 2, day))
    assert CAL.is_working_day(date(2027, 2, 11))
    # Received Fri 29 Jan 2027, 10 calendar days -> Mon 8 Feb (Tết) -> Thu 11 Feb 17:00.
    assert due(vn(2027, 1, 29, 15), 10, UNIT_CALENDAR_DAYS) == vn(2027, 2, 11, 17)


def test_calendar_days_ending_on_saturday_and_on_sunday() -> None:
    # Mon 9 Mar + 5 = Sat 14 Mar, + 6 = Sun 15 Mar: both end Monday 16 Mar at 17:00.
    assert due(vn(2026, 3, 9, 10), 5, UNIT_CALENDAR_DAYS) == vn(2026, 3, 16, 17)
    assert due(vn(2026, 3, 9, 10), 6, UNIT_CALENDAR_DAYS) == vn(2026, 3, 16, 17)


def test_calendar_days_ending_on_a_swapped_working_saturday() -> None:
    # Sat 22 Aug 2026 is a working day (swapped for Mon 31 Aug): the period ends there.
    assert due(vn(2026, 8, 12, 10), 10, UNIT_CALENDAR_DAYS) == vn(2026, 8, 22, 17)


def test_calendar_days_received_on_a_day_off() -> None:
    # Received Saturday evening (an online dossier accepted then): day 1 is Sunday 8 Mar.
    d = CAL.due_date(vn(2026, 3, 7, 20), Duration(1, UNIT_CALENDAR_DAYS))
    assert d.counted_from == vn(2026, 3, 8)
    assert d.due_at == vn(2026, 3, 9, 17)
    # Received during Tết (Mon 16 Feb 2026): day 10 is Thu 26 Feb.
    assert due(vn(2026, 2, 16, 10), 10, UNIT_CALENDAR_DAYS) == vn(2026, 2, 26, 17)


def test_cutoff_is_ignored_for_calendar_and_working_days() -> None:
    assert due(vn(2026, 3, 9, 16), 10, UNIT_CALENDAR_DAYS, cutoff=time(15)) == vn(2026, 3, 19, 17)
    assert due(vn(2026, 3, 9, 16), 1, UNIT_WORKING_DAYS, cutoff=time(15)) == vn(2026, 3, 10, 16)


def test_calendar_day_pause_moves_by_whole_days() -> None:
    due_at = vn(2026, 3, 19, 17)
    # Paused Tue 10 Mar 10:00, resumed Thu 12 Mar 09:00: two days -> Sat 21 -> Mon 23 Mar.
    shifted = CAL.shift_for_pause(due_at, vn(2026, 3, 10, 10), vn(2026, 3, 12, 9),
                                  unit=UNIT_CALENDAR_DAYS)
    assert shifted == vn(2026, 3, 23, 17)
    # A pause begun and ended on the same day moves nothing.
    assert CAL.shift_for_pause(due_at, vn(2026, 3, 10, 8), vn(2026, 3, 10, 16),
                               unit=UNIT_CALENDAR_DAYS) == due_at


def test_calendar_day_restart_counts_from_the_day_after_the_supplement() -> None:
    r = CAL.restart(vn(2026, 3, 13, 9), Duration(10, UNIT_CALENDAR_DAYS))
    assert r.counted_from == vn(2026, 3, 14)
    assert r.due_at == vn(2026, 3, 23, 17)


# ---------------------------------------------------------------- configuration


def test_local_overrides() -> None:
    cal = WorkCalendar(
        vietnam_rules([2026], overrides={date(2026, 3, 10): False, date(2026, 3, 14): True})
    )
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.is_working_day(date(2026, 3, 14))
    # Mon 9 Mar 16:00, 1 day: 1 h Monday, Tue off, 7 h Wed ends 16:00.
    assert cal.due_date(vn(2026, 3, 9, 16), Duration(1, UNIT_WORKING_DAYS)).due_at == vn(
        2026, 3, 11, 16
    )
    # Fri 13 Mar 16:00, 1 day: 1 h Friday, 7 h on the overridden Saturday.
    assert cal.due_date(vn(2026, 3, 13, 16), Duration(1, UNIT_WORKING_DAYS)).due_at == vn(
        2026, 3, 14, 16
    )


def test_override_can_cancel_a_public_holiday_and_a_swapped_saturday() -> None:
    cal = WorkCalendar(
        vietnam_rules([2026], overrides={date(2026, 9, 1): True, date(2026, 8, 22): False})
    )
    assert cal.is_working_day(date(2026, 9, 1))
    assert not cal.is_working_day(date(2026, 8, 22))


def test_custom_periods() -> None:
    rules = vietnam_rules([2026], periods=((time(8), time(12)), (time(13), time(17))))
    cal = WorkCalendar(rules)
    assert rules.working_seconds_per_day == DAY
    assert cal.next_working_moment(vn(2026, 3, 10, 7, 30)) == vn(2026, 3, 10, 8)
    assert cal.next_working_moment(vn(2026, 3, 10, 12, 30)) == vn(2026, 3, 10, 13)
    assert cal.end_of_working_day(date(2026, 3, 10)) == vn(2026, 3, 10, 17)
    d = cal.due_date(vn(2026, 3, 10, 11), Duration(1, UNIT_WORKING_DAYS))
    assert d.due_at == vn(2026, 3, 11, 11)
    assert cal.add_working_seconds(vn(2026, 3, 10, 11), 3600) == vn(2026, 3, 10, 12)


def test_custom_weekdays() -> None:
    cal = WorkCalendar(WorkingTimeRules(weekdays=frozenset(range(6))))  # Monday-Saturday
    assert cal.next_working_day(date(2026, 3, 6)) == date(2026, 3, 7)
    assert cal.next_working_day(date(2026, 3, 7)) == date(2026, 3, 9)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(11), time(7)),),
        ((time(7), time(7)),),
        ((time(7), time(12)), (time(11), time(17))),  # overlapping
        ((time(13), time(17)), (time(7), time(11))),  # unsorted
    ],
)
def test_invalid_periods(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkingTimeRules(periods=periods)


def test_adjacent_periods_are_allowed() -> None:
    rules = WorkingTimeRules(periods=((time(7), time(12)), (time(12), time(15))))
    assert rules.working_seconds_per_day == 8 * 3600


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize("value", [0, -1])
def test_non_positive_duration(value: int) -> None:
    with pytest.raises(ValueError):
        Duration(value, UNIT_WORKING_DAYS)


def test_unknown_unit() -> None:
    with pytest.raises(ValueError):
        Duration(1, "weeks")


def test_naive_datetimes_rejected() -> None:
    naive = datetime(2026, 3, 10, 9)
    aware = vn(2026, 3, 10, 9)
    with pytest.raises(ValueError):
        CAL.due_date(naive, Duration(1, UNIT_WORKING_DAYS))
    with pytest.raises(ValueError):
        CAL.next_working_moment(naive)
    with pytest.raises(ValueError):
        CAL.add_working_seconds(naive, 60)
    with pytest.raises(ValueError):
        CAL.working_seconds_between(aware, naive)
    with pytest.raises(ValueError):
        CAL.shift_for_pause(naive, aware, aware)
    with pytest.raises(ValueError):
        timeliness(naive, aware, aware, CAL)


# ---------------------------------------------------------------- primitives


def test_next_working_moment_boundaries() -> None:
    assert CAL.next_working_moment(vn(2026, 3, 10, 7)) == vn(2026, 3, 10, 7)
    assert CAL.next_working_moment(vn(2026, 3, 10, 11, 30)) == vn(2026, 3, 10, 13, 30)
    assert CAL.next_working_moment(vn(2026, 3, 13, 17)) == vn(2026, 3, 16, 7)


def test_add_zero_seconds_is_next_working_moment() -> None:
    assert CAL.add_working_seconds(vn(2026, 3, 10, 12), 0) == vn(2026, 3, 10, 13, 30)


def test_add_landing_on_morning_end_returns_11_30() -> None:
    assert CAL.add_working_seconds(vn(2026, 3, 10, 7), int(4.5 * 3600)) == vn(2026, 3, 10, 11, 30)


def test_working_seconds_between_examples() -> None:
    assert CAL.working_seconds_between(vn(2026, 3, 10, 10), vn(2026, 3, 10, 14)) == 7200
    assert CAL.working_seconds_between(vn(2026, 3, 13, 16), vn(2026, 3, 16, 8)) == 7200
    assert CAL.working_seconds_between(vn(2026, 2, 13, 7), vn(2026, 2, 24, 7)) == 2 * DAY
    assert CAL.working_seconds_between(vn(2026, 3, 10, 14), vn(2026, 3, 10, 10)) == 0


def test_next_working_day_and_end_of_day() -> None:
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.next_working_day(date(2026, 8, 21)) == date(2026, 8, 22)
    assert CAL.next_working_day(date(2026, 8, 22)) == date(2026, 8, 24)
    assert CAL.end_of_working_day(date(2026, 8, 22)) == vn(2026, 8, 22, 17)


def test_long_spans_across_years_2000_to_2100() -> None:
    cal = WorkCalendar(WorkingTimeRules())
    start = vn(2000, 1, 3, 7)  # a Monday
    end = cal.add_working_seconds(start, 26_000 * DAY)
    assert end.year == 2099
    assert cal.working_seconds_between(start, end) == 26_000 * DAY
    assert end == cal.end_of_working_day(end.date())


# ---------------------------------------------------------------- PAUSE / RESTART


def test_pause_of_two_working_hours_moves_due_by_two_working_hours() -> None:
    d = CAL.due_date(vn(2026, 3, 9, 8), Duration(3, UNIT_WORKING_DAYS))
    assert d.due_at == vn(2026, 3, 12, 8)
    shifted = CAL.shift_for_pause(d.due_at, vn(2026, 3, 10, 9), vn(2026, 3, 10, 11))
    assert shifted == vn(2026, 3, 12, 10)
    assert CAL.working_seconds_between(d.due_at, shifted) == 7200


def test_pause_across_weekend_counts_only_working_time() -> None:
    d = CAL.due_date(vn(2026, 3, 12, 8), Duration(3, UNIT_WORKING_DAYS))
    assert d.due_at == vn(2026, 3, 17, 8)
    # Fri 16:00 -> Mon 08:00 = 1 h + 1 h of working time.
    shifted = CAL.shift_for_pause(d.due_at, vn(2026, 3, 13, 16), vn(2026, 3, 16, 8))
    assert shifted == vn(2026, 3, 17, 10)


def test_pause_with_no_working_time_keeps_due_even_at_day_end() -> None:
    due_at = vn(2026, 3, 13, 17)
    assert CAL.shift_for_pause(due_at, vn(2026, 3, 14, 9), vn(2026, 3, 15, 9)) == due_at


def test_pause_from_a_day_end_due_moves_into_next_working_day() -> None:
    shifted = CAL.shift_for_pause(vn(2026, 3, 13, 17), vn(2026, 3, 10, 9), vn(2026, 3, 10, 10))
    assert shifted == vn(2026, 3, 16, 8)


def test_restart_counts_full_duration_from_resume() -> None:
    duration = Duration(3, UNIT_WORKING_DAYS)
    resumed = vn(2026, 3, 11, 14)
    r = CAL.restart(resumed, duration)
    assert r.counted_from == resumed
    assert r.due_at == vn(2026, 3, 16, 14)
    assert CAL.working_seconds_between(resumed, r.due_at) == 3 * DAY


def test_restart_outside_hours_counts_from_next_working_moment() -> None:
    r = CAL.restart(vn(2026, 3, 13, 18), Duration(4, UNIT_WORKING_HOURS))
    assert r.counted_from == vn(2026, 3, 16, 7)
    assert r.due_at == vn(2026, 3, 16, 11)


# ---------------------------------------------------------------- timeliness


def test_timeliness_day_granularity() -> None:
    due_at = vn(2026, 3, 12, 8)
    now = vn(2026, 3, 20, 9)
    assert timeliness(vn(2026, 3, 11, 16), due_at, now, CAL) == "early"
    assert timeliness(vn(2026, 3, 12, 7, 30), due_at, now, CAL) == "on_time"
    assert timeliness(due_at, due_at, now, CAL) == "on_time"
    assert timeliness(vn(2026, 3, 12, 8, 1), due_at, now, CAL) == "late"
    # Finished on a non-working day before the due day: not "early" (DOMAIN: on a working day).
    assert timeliness(vn(2026, 3, 7, 10), vn(2026, 3, 9, 17), now, CAL) == "on_time"


def test_timeliness_exact_and_unfinished() -> None:
    due_at = vn(2026, 3, 12, 8)
    assert timeliness(vn(2026, 3, 11, 16), due_at, due_at, CAL, "exact") == "on_time"
    assert timeliness(vn(2026, 3, 12, 9), due_at, due_at, CAL, "exact") == "late"
    assert timeliness(None, due_at, due_at, CAL) == "in_time"
    assert timeliness(None, due_at, due_at + timedelta(seconds=1), CAL) == "overdue"
    with pytest.raises(ValueError):
        timeliness(None, due_at, due_at, CAL, "week")


# ---------------------------------------------------------------- properties

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)
working_durations = st.builds(
    Duration,
    st.integers(1, 40),
    st.sampled_from([UNIT_WORKING_DAYS, UNIT_WORKING_HOURS]),
)
any_durations = st.builds(
    Duration,
    st.integers(1, 40),
    st.sampled_from([UNIT_WORKING_DAYS, UNIT_WORKING_HOURS, UNIT_CALENDAR_DAYS, UNIT_SAME_DAY]),
)
seconds = st.integers(1, 30 * DAY)


def reference_between(a: datetime, b: datetime) -> int:
    """Slow, obviously correct oracle: intersect [a, b) with every working period."""
    total = timedelta()
    d = a.date()
    while d <= b.date():
        if CAL.is_working_day(d):
            for s, e in CAL.rules.periods:
                lo = max(a, datetime.combine(d, s, TZ))
                hi = min(b, datetime.combine(d, e, TZ))
                total += max(hi - lo, timedelta())
        d += timedelta(days=1)
    return int(total.total_seconds())


@given(moments, any_durations)
def test_due_is_never_before_counting_start_and_lands_on_working_day(
    received: datetime, duration: Duration
) -> None:
    d = CAL.due_date(received, duration)
    assert received <= d.counted_from <= d.due_at
    if duration.unit != UNIT_CALENDAR_DAYS:
        assert CAL.next_working_moment(d.counted_from) == d.counted_from
        assert CAL.is_working_day(d.counted_from.date())
    assert CAL.is_working_day(d.due_at.date())
    assert d.due_at.tzinfo == TZ


@given(moments, st.integers(1, 400))
def test_calendar_days_follow_the_civil_code(received: datetime, n: int) -> None:
    d = CAL.due_date(received, Duration(n, UNIT_CALENDAR_DAYS))
    first = received.date() + timedelta(days=1)
    assert d.counted_from == datetime.combine(first, time(0), TZ)
    last = received.date() + timedelta(days=n)
    # the end of working time of the last day, or of the first working day after it
    assert d.due_at == CAL.end_of_working_day(d.due_at.date())
    assert d.due_at.date() >= last
    day = last
    while day < d.due_at.date():
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)
    # one more day never ends earlier
    assert CAL.due_date(received, Duration(n + 1, UNIT_CALENDAR_DAYS)).due_at >= d.due_at


@given(moments, moments, st.integers(0, 30), st.integers(0, 86_399))
def test_calendar_day_pause_never_moves_back_and_ends_a_working_day(
    due_at: datetime, pause_start: datetime, days: int, secs: int
) -> None:
    due_at = CAL.end_of_working_day(CAL.next_working_day(due_at.date()))
    pause_end = pause_start + timedelta(days=days, seconds=secs)
    shifted = CAL.shift_for_pause(due_at, pause_start, pause_end, unit=UNIT_CALENDAR_DAYS)
    assert shifted >= due_at
    assert shifted == CAL.end_of_working_day(shifted.date())
    covered = (pause_end.date() - pause_start.date()).days
    assert shifted.date() >= due_at.date() + timedelta(days=covered)


@given(moments, working_durations)
def test_due_is_exactly_the_duration_of_working_time(
    received: datetime, duration: Duration
) -> None:
    d = CAL.due_date(received, duration)
    per_unit = DAY if duration.unit == UNIT_WORKING_DAYS else 3600
    assert CAL.working_seconds_between(d.counted_from, d.due_at) == duration.value * per_unit
    assert CAL.working_seconds_between(received, d.due_at) == duration.value * per_unit


@given(moments, st.integers(1, 10))
def test_same_day_is_due_at_end_of_a_working_day(received: datetime, n: int) -> None:
    d = CAL.due_date(received, Duration(n, UNIT_SAME_DAY))
    assert d.due_at == CAL.end_of_working_day(d.due_at.date())
    assert CAL.working_seconds_between(d.counted_from, d.due_at) <= n * DAY


@given(moments, seconds)
def test_add_is_the_earliest_instant(start: datetime, s: int) -> None:
    end = CAL.add_working_seconds(start, s)
    assert CAL.working_seconds_between(start, end) == s
    assert CAL.working_seconds_between(start, end - timedelta(seconds=1)) == s - 1


@given(moments, seconds, seconds)
def test_add_is_monotonic_and_additive(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_seconds(start, min(a, b)) <= CAL.add_working_seconds(start, max(a, b))
    assert CAL.add_working_seconds(CAL.add_working_seconds(start, a), b) == (
        CAL.add_working_seconds(start, a + b)
    )


@settings(max_examples=60)
@given(moments, st.integers(0, 60 * 24 * 40))
def test_between_matches_reference(a: datetime, minutes: int) -> None:
    b = a + timedelta(minutes=minutes)
    assert CAL.working_seconds_between(a, b) == reference_between(a, b)


@given(st.lists(moments, min_size=3, max_size=3).map(sorted))
def test_between_is_additive(points: list[datetime]) -> None:
    a, b, c = points
    between = CAL.working_seconds_between
    assert between(a, c) == between(a, b) + between(b, c)


@given(moments, moments, st.integers(0, 2 * DAY))
def test_pause_shifts_due_by_paused_working_time(
    due_at: datetime, pause_start: datetime, pause_len: int
) -> None:
    pause_end = CAL.add_working_seconds(pause_start, pause_len) if pause_len else pause_start
    paused = CAL.working_seconds_between(pause_start, pause_end)
    shifted = CAL.shift_for_pause(due_at, pause_start, pause_end)
    assert shifted >= due_at
    if paused:
        assert CAL.working_seconds_between(due_at, shifted) == paused


@given(st.none() | moments, moments, moments, st.sampled_from(["day", "exact"]))
def test_timeliness_consistent_with_comparisons(
    finished: datetime | None, due_at: datetime, now: datetime, granularity: str
) -> None:
    result = timeliness(finished, due_at, now, CAL, granularity)
    if finished is None:
        assert result == ("in_time" if now <= due_at else "overdue")
    elif finished > due_at:
        assert result == "late"
    else:
        assert result in ({"early", "on_time"} if granularity == "day" else {"on_time"})
        if result == "early":
            assert finished.date() < due_at.date() and CAL.is_working_day(finished.date())


# ---------------------------------------------------------------- periods in months


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 18), 24, date(2028, 11, 18)),  # the same day two years later
    (date(2026, 8, 31), 6, date(2027, 2, 28)),  # no 31 February: the month's last day
    (date(2027, 8, 31), 6, date(2028, 2, 29)),  # a leap year
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year's end
    (date(2026, 5, 10), 0, date(2026, 5, 10)),
    (date(2026, 5, 10), 1200, date(2126, 5, 10)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_months_refuses_a_negative_number() -> None:
    with pytest.raises(ValueError, match="from 0"):
        add_months(date(2026, 5, 10), -1)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(0, 1200))
def test_add_months_keeps_the_day_or_ends_the_month(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day == day.day or (later.day < day.day
                                    and (later + timedelta(days=1)).day == 1)
