import datetime as dt

import pytest

from motcua.core.errors import DomainError, InvalidInput
from motcua.dossiers import actions
from motcua.dossiers.lifecycle import IllegalTransition
from motcua.dossiers.models import ClockPause, DossierEvent, Status
from motcua.dossiers.tests.factories import at, online, person, received, submission
from motcua.org.models import Role
from motcua.tests.builders import build_procedure, staff

pytestmark = pytest.mark.django_db


def test_counter_intake_receives_with_code_clock_and_timeline(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))  # Monday
    assert d.code == "000.01.20.H40-261116-0001"
    assert d.status == Status.RECEIVED
    assert d.received_at == at("09:00 16/11/2026")
    assert d.due_at == at("09:00 19/11/2026")  # 3 working days
    assert d.appointment_at == d.due_at
    assert d.handling_agency == org.pc_a  # routed to the applicant's commune
    steps = list(d.events.values_list("action", "from_status", "to_status", "actor"))
    assert steps == [
        ("intake", None, Status.SUBMITTED, org.officer_a.pk),
        ("receive", Status.SUBMITTED, Status.RECEIVED, org.officer_a.pk),
    ]


def test_codes_restart_each_day_and_are_per_receiving_unit(org, procedure):
    a1 = received(org, procedure, at("08:00 16/11/2026"))
    a2 = received(org, procedure, at("10:00 16/11/2026"))
    b1 = actions.intake_at_counter(
        submission(org, procedure, agency=org.center_b, channel=1), officer=org.officer_b,
        now=at("10:00 16/11/2026"),
    )
    a3 = received(org, procedure, at("08:00 17/11/2026"))
    assert [a1.code, a2.code, b1.code, a3.code] == [
        "000.01.20.H40-261116-0001",
        "000.01.20.H40-261116-0002",
        "000.02.20.H40-261116-0001",
        "000.01.20.H40-261117-0001",
    ]


def test_online_clock_starts_when_an_officer_accepts_not_at_submission(org, procedure):
    d = online(org, procedure, at("20:00 13/11/2026"))  # Friday evening
    assert d.status == Status.SUBMITTED and d.due_at is None and d.account == org.citizen
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    assert d.submitted_at == at("20:00 13/11/2026")
    assert d.received_at == at("10:00 16/11/2026")
    assert d.due_at == at("10:00 19/11/2026")


def test_receipt_outside_hours_counts_from_the_next_working_moment(org, procedure):
    d = received(org, procedure, at("17:30 13/11/2026"))  # Friday after hours
    assert d.counted_from == at("07:00 16/11/2026")
    assert d.due_at == at("17:00 18/11/2026")  # 24 working hours end at Wednesday's close


def test_due_date_skips_the_24_november_holiday(org, procedure):
    d = received(org, procedure, at("09:00 23/11/2026"))  # Monday; Tuesday 24/11 is a day off
    assert d.due_at == at("09:00 27/11/2026")


def test_same_day_procedure_after_cutoff_is_due_next_working_day(org):
    proc = build_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", duration=1,
                           unit="same_day", cutoff=dt.time(15, 0))
    before = received(org, proc, at("14:00 20/11/2026"))
    after = received(org, proc, at("15:30 20/11/2026"))
    assert before.due_at == at("17:00 20/11/2026")
    assert after.due_at == at("17:00 23/11/2026")


def test_supplement_in_pause_mode_shifts_due_by_the_paused_working_time(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    items = [{"name": "Bản sao CCCD", "note": "bị mờ"}, {"name": "Tờ khai", "note": "thiếu chữ ký"}]
    d = actions.perform(d, "request_supplement", org.specialist_a, items=items,
                                   now=at("14:00 17/11/2026"))
    assert d.status == Status.SUPPLEMENT and d.paused_at == at("14:00 17/11/2026")
    assert d.supplements_after_receipt == 1
    # back after 5 working hours: 14:00-17:00 Tue (3 h) + 07:00-09:00 Wed (2 h)
    d = actions.perform(d, "receive_supplement", org.officer_a, now=at("09:00 18/11/2026"))
    assert d.status == Status.PROCESSING and d.paused_at is None
    assert d.due_at == at("16:00 19/11/2026")  # 09:00 Thu + 5 working hours, lunch skipped
    pause = ClockPause.objects.get(dossier=d)
    assert (pause.started_at, pause.ended_at) == (at("14:00 17/11/2026"), at("09:00 18/11/2026"))
    assert d.supplements.get().items == items


def test_supplement_in_restart_mode_counts_the_full_duration_again(org):
    proc = build_procedure(code="1.001612", name="Đăng ký thành lập hộ kinh doanh",
                           supplement_mode="restart")
    d = received(org, proc, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Giấy đề nghị"}],
                                   now=at("10:00 16/11/2026"))
    d = actions.perform(d, "receive_supplement", org.officer_a, now=at("08:00 18/11/2026"))
    assert d.due_at == at("08:00 23/11/2026")  # 3 working days from Wednesday 08:00


def test_supplement_before_receipt_returns_to_submitted_without_a_clock(org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Tờ khai"}],
                                   now=at("10:00 16/11/2026"))
    assert d.status == Status.SUPPLEMENT and d.paused_at is None
    d = actions.perform(d, "receive_supplement", org.citizen, now=at("10:00 17/11/2026"))
    assert d.status == Status.SUBMITTED and d.due_at is None
    assert d.supplements_after_receipt == 0


def test_supplement_slip_must_list_what_is_missing(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    with pytest.raises(InvalidInput):
        actions.perform(d, "request_supplement", org.officer_a, items=[])
    with pytest.raises(InvalidInput):
        actions.perform(d, "request_supplement", org.officer_a, items=[{"name": " "}])
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and not d.supplements.exists()


def test_payment_stops_the_clock_and_resumes_it(org, procedure):
    procedure.versions.update(pause_on_payment=True)
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_payment", org.specialist_a, amount_vnd=50_000,
                                now=at("09:00 17/11/2026"))
    assert d.status == Status.PAYING
    d = actions.perform(d, "confirm_payment", org.officer_a, now=at("09:00 18/11/2026"))
    assert d.status == Status.PROCESSING
    assert d.due_at == at("09:00 20/11/2026")  # shifted by one working day


def test_payment_time_counts_where_the_law_does_not_exclude_it(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_payment", org.specialist_a, amount_vnd=50_000,
                        now=at("09:00 17/11/2026"))
    d = actions.perform(d, "confirm_payment", org.officer_a, now=at("09:00 18/11/2026"))
    assert d.due_at == at("09:00 19/11/2026") and not d.pauses.exists()


def test_apology_once_before_due_gives_a_new_appointment_but_keeps_the_legal_due(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    legal_due = d.due_at
    d = actions.perform(d, "apologize", org.specialist_a, reason="Cần xác minh thêm",
                          new_appointment=at("16:00 24/11/2026"), now=at("08:00 19/11/2026"))
    assert d.appointment_at == at("16:00 24/11/2026") and d.due_at == legal_due
    assert d.apology_slips.get().old_due_at == legal_due
    with pytest.raises(DomainError) as error:
        actions.perform(d, "apologize", org.specialist_a, reason="again",
                          new_appointment=at("16:00 25/11/2026"), now=at("08:10 19/11/2026"))
    assert error.value.code == "apology_limit"


def test_apology_after_the_due_time_is_refused(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    with pytest.raises(DomainError) as error:
        actions.perform(d, "apologize", org.specialist_a, reason="late",
                          new_appointment=at("16:00 24/11/2026"), now=at("09:01 19/11/2026"))
    assert error.value.code == "apology_late"
    assert d.apology_slips.count() == 0


def test_end_time_is_the_first_result_ready_not_the_return(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    d = actions.perform(d, "mark_result_ready", org.specialist_a, now=at("15:00 18/11/2026"))
    d = actions.perform(d, "return_result", org.officer_a, now=at("09:00 25/11/2026"))
    assert d.status == Status.RETURNED
    assert d.finished_at == at("15:00 18/11/2026")
    assert d.returned_at == at("09:00 25/11/2026")


def test_inter_agency_handover_is_recorded_and_returns(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "send_interagency", org.specialist_a, to_agency=org.department,
                                 note="Xin ý kiến", step_due_at=at("09:00 17/11/2026"),
                                 now=at("10:00 16/11/2026"))
    assert d.status == Status.INTEROPERATING
    d = actions.perform(d, "return_interagency", org.specialist_a, now=at("16:00 16/11/2026"))
    handover = d.handovers.get()
    assert (handover.from_agency, handover.to_agency) == (org.pc_a, org.department)
    assert handover.returned_at == at("16:00 16/11/2026")
    assert d.status == Status.PROCESSING


def test_a_withdrawal_after_receipt_is_asked_then_granted_and_closes_an_open_pause(org, procedure):
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Tờ khai"}],
                        now=at("10:00 16/11/2026"))
    with pytest.raises(IllegalTransition):  # received: no longer the applicant's alone
        actions.perform(d, "withdraw", org.citizen, reason="Không còn nhu cầu")
    with pytest.raises(InvalidInput):
        actions.perform(d, "request_withdrawal", org.citizen, reason="")
    with pytest.raises(DomainError) as nothing_asked:
        actions.perform(d, "grant_withdrawal", head)
    assert nothing_asked.value.code == "no_request"
    d = actions.perform(d, "request_withdrawal", org.citizen, reason="Không còn nhu cầu",
                        now=at("09:00 17/11/2026"))
    assert d.status == Status.SUPPLEMENT  # asked, not yet decided
    with pytest.raises(DomainError) as twice:
        actions.perform(d, "request_withdrawal", org.citizen, reason="Một lần nữa")
    assert twice.value.code == "request_open"
    d = actions.perform(d, "grant_withdrawal", head, now=at("10:00 17/11/2026"))
    assert d.status == Status.WITHDRAWN and d.paused_at is None
    assert d.finished_at == at("10:00 17/11/2026")
    assert ClockPause.objects.get(dossier=d).ended_at == at("10:00 17/11/2026")
    request = d.requests.get()
    assert (request.kind, request.by_applicant, request.granted, request.decided_by) == (
        "withdrawal", True, True, head)


def test_a_stop_needs_a_recorded_ground_and_a_head_may_decline_it(org, procedure):
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = received(org, procedure, at("09:00 16/11/2026"))
    with pytest.raises(DomainError) as no_ground:
        actions.perform(d, "stop", head, reason="Hồ sơ giả mạo")
    assert no_ground.value.code == "no_request"
    d = actions.perform(d, "request_stop", org.specialist_a, reason="Giấy tờ giả mạo",
                        now=at("10:00 16/11/2026"))
    d = actions.perform(d, "decline_request", head, kind="stop",
                        reason="Đã xác minh, giấy tờ hợp lệ", now=at("11:00 16/11/2026"))
    assert d.status == Status.RECEIVED and d.requests.get().granted is False
    d = actions.perform(d, "request_stop", org.citizen, reason="Tôi xin dừng",
                        now=at("13:30 16/11/2026"))
    d = actions.perform(d, "stop", head, reason="Theo đề nghị của người nộp",
                        now=at("14:00 16/11/2026"))
    assert d.status == Status.STOPPED
    asked = d.requests.order_by("id").last()
    assert asked.by_applicant and asked.granted and asked.decision_reason.startswith("Theo")


def test_a_second_supplement_after_receipt_needs_a_reason_and_counts_the_dossier_late(
        org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Tờ khai"}],
                        now=at("10:00 16/11/2026"))
    d = actions.perform(d, "receive_supplement", org.officer_a, now=at("10:00 17/11/2026"))
    with pytest.raises(InvalidInput) as no_reason:
        actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Bản sao"}],
                        now=at("11:00 17/11/2026"))
    assert no_reason.value.code == "second_supplement_reason"
    d.refresh_from_db()
    assert not d.counted_late and d.supplements.count() == 1  # nothing half-written
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Bản sao"}],
                        reason="Văn bản mới ban hành yêu cầu thêm", now=at("11:00 17/11/2026"))
    assert d.counted_late and d.supplements_after_receipt == 2
    assert d.events.last().data["second_request"] is True


def test_no_apology_while_the_clock_stands(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Tờ khai"}],
                        now=at("10:00 16/11/2026"))
    with pytest.raises(IllegalTransition):
        actions.perform(d, "apologize", org.specialist_a, reason="Chậm",
                        new_appointment=at("16:00 30/11/2026"), now=at("11:00 16/11/2026"))


def test_illegal_transition_changes_nothing(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    events = d.events.count()
    with pytest.raises(IllegalTransition):
        actions.perform(d, "return_result", org.officer_a)
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.events.count() == events


def test_timeline_is_append_only(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    event = DossierEvent.objects.filter(dossier=d).first()
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.parametrize(
    "applicant,code",
    [
        (person(name="  "), "applicant_name"),
        (person(id_number="12345"), "applicant_id_number"),
        (person(id_number="03709500123X"), "applicant_id_number"),
        (actions.Applicant(kind="robot", name="X"), "applicant_kind"),
    ],
)
def test_bad_applicants_are_refused_and_nothing_is_written(org, procedure, applicant, code):
    with pytest.raises(InvalidInput) as error:
        actions.submit(submission(org, procedure, applicant=applicant), account=org.citizen)
    assert error.value.code == code
    from motcua.dossiers.models import DailySequence, Dossier

    assert not Dossier.objects.exists() and not DailySequence.objects.exists()


def test_a_dossier_keeps_the_procedure_version_in_force_when_received(org, procedure):
    from motcua.catalog.models import ProcedureVersion

    old = procedure.versions.get()
    old.effective_to = dt.date(2026, 11, 18)
    old.save()
    ProcedureVersion.objects.create(
        procedure=procedure, number=2, effective_from=dt.date(2026, 11, 18), name=old.name,
        level=old.level, duration_value=5, duration_unit="working_days",
        applicant_types=["person"], online_level="full",
    )
    before = received(org, procedure, at("09:00 17/11/2026"), components=[])
    after = received(org, procedure, at("09:00 18/11/2026"), components=[])
    assert before.procedure_version.number == 1 and before.due_at == at("09:00 20/11/2026")
    # 5 working days: 19, 20, 23, 25, 26 November (24/11 is a day off)
    assert after.procedure_version.number == 2 and after.due_at == at("09:00 26/11/2026")
