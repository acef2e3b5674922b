"""A dossier's "why this due time" (dossiers.due): rebuilt from its stored facts, it ends on the
due time the actions recorded, through pauses, restarts, payments and apologies."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.due import PauseEnd, explain_due
from motcua.dossiers.models import ClockPause, Dossier
from motcua.dossiers.selectors import DetailRelations, detail_by_code
from motcua.dossiers.tests.factories import at, online, received, submission
from motcua.dossiers.tests.test_duration_cases import MARRIAGE_CASES, PERMIT_CASES, at_counter
from motcua.org.models import Role
from motcua.tests.builders import build_procedure, staff
from motcua.workcalendar.actions import set_day_override
from motcua.workcalendar.explain import DayKind, Start
from motcua.workcalendar.service import get_calendar

pytestmark = pytest.mark.django_db
ITEMS = [{"name": "Bản sao CCCD", "note": "bị mờ"}]


def supplement(d, asked: str, back: str) -> Dossier:
    d = actions.perform(d, "request_supplement", None, items=ITEMS,
                        reason="Thiếu giấy tờ", now=at(asked))
    return actions.perform(d, "receive_supplement", None, now=at(back))


def assert_rebuilt(d: Dossier):
    """The explanation ends on the recorded due time, and each pause on the recorded one."""
    d.refresh_from_db()
    e = explain_due(d)
    assert e is not None and e.matches
    assert e.due_at == e.recorded_due_at == d.due_at
    stored = list(ClockPause.objects.filter(dossier=d).order_by("started_at"))
    assert [(p.started_at, p.ended_at) for p in e.pauses] == [
        (p.started_at, p.ended_at) for p in stored]
    assert [p.due_before for p in e.pauses] == [p.due_before for p in stored]
    assert [p.due_after for p in e.pauses if p.end != PauseEnd.OPEN] == [
        p.due_after for p in stored if p.ended_at is not None]
    return e


def test_counting_from_receipt_day_by_day(org, procedure):
    d = received(org, procedure, at("09:00 20/11/2026"))  # Friday
    e = assert_rebuilt(d)
    assert e.counting.start == Start.IN_WORKING_TIME
    assert e.counting.counted_from == at("09:00 20/11/2026")
    assert [(x.day.day, x.kind, x.counted) for x in e.counting.days] == [
        (20, DayKind.WORKING, True), (21, DayKind.WEEKEND, False),
        (22, DayKind.WEEKEND, False), (23, DayKind.WORKING, True),
        (24, DayKind.DAY_OFF, False), (25, DayKind.WORKING, True), (26, DayKind.WORKING, True),
    ]
    assert e.counting.days[4].name == "Ngày Văn hóa Việt Nam"  # holidays.VN, in Vietnamese
    assert e.due_at == at("09:00 26/11/2026") and not e.pauses and not e.apologies
    assert e.choice.duration.value == 3 and e.choice.case_key == "" and not e.choice.online


def test_holiday_names_follow_the_language(org, procedure):
    from django.utils import translation

    d = received(org, procedure, at("09:00 20/11/2026"))
    with translation.override("en"):
        assert explain_due(d).counting.days[4].name == "Vietnam Cultural Day"


def test_a_local_override_is_named_by_its_reason(org, procedure):
    set_day_override(dt.date(2026, 11, 23), is_working=False, reason="Nghỉ bầu cử", actor=None)
    d = received(org, procedure, at("09:00 20/11/2026"))
    e = assert_rebuilt(d)
    assert (e.counting.days[3].kind, e.counting.days[3].name) == (DayKind.DAY_OFF,
                                                                   "Nghỉ bầu cử")


def test_a_pause_moves_the_due_time_by_the_working_time_it_lasted(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = supplement(d, "14:00 17/11/2026", "09:00 18/11/2026")
    e = assert_rebuilt(d)
    (pause,) = e.pauses
    assert (pause.reason, pause.end) == ("supplement", PauseEnd.RESUMED)
    assert pause.paused == dt.timedelta(hours=5)  # 14:00-17:00 Tue, 07:00-09:00 Wed
    assert (pause.due_before, pause.due_after) == (at("09:00 19/11/2026"),
                                                    at("16:00 19/11/2026"))
    assert e.moved_by_pauses and e.last_counting is e.counting and e.paused_since is None


def test_a_restart_counts_the_full_duration_again(org):
    proc = build_procedure(code="1.001612", name="Đăng ký thành lập hộ kinh doanh",
                           supplement_mode="restart")
    d = received(org, proc, at("09:00 16/11/2026"))
    d = supplement(d, "10:00 16/11/2026", "17:30 17/11/2026")  # back after hours
    e = assert_rebuilt(d)
    (pause,) = e.pauses
    assert pause.end == PauseEnd.RESTARTED and pause.restart is e.last_counting
    assert pause.restart.start == Start.AFTER_CLOSING
    assert pause.restart.counted_from == at("07:00 18/11/2026")
    assert e.due_at == at("17:00 20/11/2026")


def test_payment_and_supplement_pauses_in_turn(org):
    proc = build_procedure(code="1.000001", pause_on_payment=True)
    d = received(org, proc, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_payment", None, amount_vnd=50_000, now=at("09:00 17/11/2026"))
    d = actions.perform(d, "confirm_payment", None, now=at("09:00 18/11/2026"))
    d = supplement(d, "08:00 19/11/2026", "08:00 20/11/2026")
    d = supplement(d, "08:00 23/11/2026", "10:00 25/11/2026")  # over the 24/11 holiday
    e = assert_rebuilt(d)
    assert [(p.reason, p.paused) for p in e.pauses] == [
        ("payment", dt.timedelta(hours=8)), ("supplement", dt.timedelta(hours=8)),
        ("supplement", dt.timedelta(hours=10))]  # 7 h on Monday, 3 h on Wednesday


def test_an_open_pause_and_a_pause_closed_by_a_withdrawal(org, procedure):
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", None, items=ITEMS, now=at("10:00 16/11/2026"))
    e = assert_rebuilt(d)
    assert e.pauses[0].end == PauseEnd.OPEN and e.paused_since == at("10:00 16/11/2026")
    assert e.pauses[0].due_after == e.pauses[0].due_before
    d = actions.perform(d, "request_withdrawal", org.citizen, reason="Không còn nhu cầu",
                        now=at("09:00 17/11/2026"))
    d = actions.perform(d, "grant_withdrawal", head, now=at("10:00 17/11/2026"))
    e = assert_rebuilt(d)
    assert e.pauses[0].end == PauseEnd.CLOSED and e.pauses[0].ended_at == at("10:00 17/11/2026")
    assert not e.moved_by_pauses


def test_calendar_days_move_by_whole_days(org):
    proc = build_procedure(code="1.000002", duration=10, unit="calendar_days")
    d = received(org, proc, at("18:00 13/11/2026"))
    d = supplement(d, "10:00 16/11/2026", "10:00 19/11/2026")
    e = assert_rebuilt(d)
    assert e.counting.start == Start.NEXT_DAY and e.pauses[0].paused_days == 3
    assert e.due_at == at("17:00 26/11/2026")


def test_an_apology_gives_a_new_appointment_not_a_new_due_time(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "apologize", None, reason="Cần xác minh thêm",
                        new_appointment=at("16:00 24/11/2026"), now=at("08:00 19/11/2026"))
    e = assert_rebuilt(d)
    (apology,) = e.apologies
    assert (apology.old, apology.new, apology.reason) == (
        at("09:00 19/11/2026"), at("16:00 24/11/2026"), "Cần xác minh thêm")
    assert e.appointment_at == at("16:00 24/11/2026") and e.due_at == at("09:00 19/11/2026")


def test_the_duration_case_and_why(org):
    marriage = build_procedure(code="1.000894", duration=1, unit="same_day",
                               cutoff=dt.time(15), duration_cases=MARRIAGE_CASES)
    permit = build_procedure(code="1.013225", duration=15, unit="calendar_days",
                             duration_cases=PERMIT_CASES)
    by_data = explain_due(at_counter(org, marriage, at("10:00 16/11/2026"),
                                     form_data={"can_xac_minh": True}))
    assert (by_data.choice.case_key, by_data.choice.by_data, by_data.choice.reason) == (
        "verification", True, "")
    assert by_data.choice.duration.value == 5
    chosen = explain_due(at_counter(org, permit, at("18:00 06/03/2026"),
                                    duration_case="grade_iii_iv_works",
                                    duration_reason="Công trình cấp III"))
    assert (chosen.choice.case_key, chosen.choice.by_data, chosen.choice.reason) == (
        "grade_iii_iv_works", False, "Công trình cấp III")
    assert chosen.choice.case_label == "Công trình cấp III, cấp IV"
    own = explain_due(at_counter(org, marriage, at("15:30 16/11/2026")))
    assert own.choice.case_key == "" and own.counting.start == Start.AFTER_CUTOFF
    assert own.counting.cutoff == dt.time(15) and own.due_at == at("17:00 17/11/2026")


def test_the_shorter_online_duration_is_named(org, procedure):
    procedure.versions.update(online_duration_value=2)
    d = actions.perform(online(org, procedure, at("08:00 16/11/2026")), "accept",
                        org.officer_a, now=at("09:00 16/11/2026"))
    e = assert_rebuilt(d)
    assert e.choice.online and e.choice.duration.value == 2
    counter = received(org, procedure, at("09:00 16/11/2026"))
    assert not explain_due(counter).choice.online


def test_no_explanation_without_a_clock(org, procedure):
    assert explain_due(online(org, procedure, at("09:00 16/11/2026"))) is None
    unconfirmed = build_procedure(code="1.000003", duration=None)
    assert explain_due(received(org, unconfirmed, at("09:00 16/11/2026"))) is None


def test_a_calendar_changed_since_keeps_the_recorded_due_time(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    set_day_override(dt.date(2026, 11, 17), is_working=False, reason="Bão", actor=None)
    e = explain_due(d)
    assert not e.matches
    assert e.recorded_due_at == at("09:00 19/11/2026") and e.due_at == at("09:00 20/11/2026")


def test_with_the_detail_rows_no_statement_is_made(org, procedure, django_assert_num_queries):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = detail_by_code(supplement(d, "14:00 17/11/2026", "09:00 18/11/2026").code)
    relations = DetailRelations.read(d)
    get_calendar()
    with django_assert_num_queries(0):
        e = explain_due(d, relations)
    assert e.due_at == d.due_at


# ---------------------------------------------------------------- random histories

UNITS = ["working_days", "working_hours", "calendar_days", "same_day"]
steps = st.lists(st.tuples(st.sampled_from(["supplement", "payment"]),
                           st.integers(0, 6 * 24 * 60), st.integers(0, 6 * 24 * 60)),
                 max_size=4)


def procedure_for(unit: str, mode: str) -> Procedure:
    code = f"9.{UNITS.index(unit)}{int(mode == 'restart')}"
    found = Procedure.objects.filter(code=code).first()
    return found or build_procedure(code=code, duration=3, unit=unit, supplement_mode=mode,
                                    pause_on_payment=True,
                                    cutoff=dt.time(15) if unit == "same_day" else None)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.sampled_from(UNITS), mode=st.sampled_from(["pause", "restart"]),
       start=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 20)),
       history=steps, end=st.sampled_from(["running", "open", "withdrawn"]))
def test_random_histories_end_on_the_recorded_due_time(org, unit, mode, start, history, end):
    now = start.replace(second=0, microsecond=0, tzinfo=at("00:00 01/01/2026").tzinfo)
    d = actions.intake_at_counter(submission(org, procedure_for(unit, mode), channel=1),
                                  officer=org.officer_a, now=now)
    for kind, wait, length in history:
        now += dt.timedelta(minutes=wait + 1)
        if kind == "supplement":
            d = actions.perform(d, "request_supplement", None, items=ITEMS, reason="Lần nữa",
                                now=now)
        else:
            d = actions.perform(d, "request_payment", None, amount_vnd=10_000, now=now)
        now += dt.timedelta(minutes=length + 1)
        d = actions.perform(d, "receive_supplement" if kind == "supplement"
                            else "confirm_payment", None, now=now)
    if end != "running":
        now += dt.timedelta(hours=1)
        d = actions.perform(d, "request_supplement", None, items=ITEMS, reason="Lần nữa",
                            now=now)
    if end == "withdrawn":
        now += dt.timedelta(hours=1)
        d = actions.perform(d, "request_withdrawal", org.citizen, reason="Thôi", now=now)
        d = actions.perform(d, "grant_withdrawal", None, now=now + dt.timedelta(minutes=5))
    e = assert_rebuilt(d)
    assert len(e.pauses) == len(history) + (end != "running")
