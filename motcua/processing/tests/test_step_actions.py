"""The process engine: every step action, branches, inter-agency handover, supplements,
refused actors, assignment and process versions."""

import datetime as dt

import pytest

from motcua.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from motcua.core.models import AuditEvent
from motcua.dossiers import actions, policy
from motcua.dossiers.models import DossierEvent, Handover, Status
from motcua.dossiers.tests.factories import at
from motcua.org.models import StaffRole
from motcua.processing import actions as pactions
from motcua.processing.models import ProcessRun, StepInstance
from motcua.processing.publishing import publish_process
from motcua.processing.tests.conftest import T0, definition

pytestmark = pytest.mark.django_db


def claim_and(world, d, user, action, when, **kw):
    step = world.open_step(d)
    if step.assignee_id != user.pk:
        pactions.claim(step, user=user, now=at(when))
    return pactions.act(step, action, actor=user, now=at(when), **kw)


def test_receipt_starts_the_process_in_the_competent_units_queue(world):
    d = world.receive()
    run = ProcessRun.objects.get(dossier=d)
    assert run.process == world.process and run.started_at == at(T0)
    step = world.open_step(d)
    assert (step.key, step.role, step.agency, step.assignee) == (
        "check", "specialist", world.org.pc_a, None)
    assert step.due_at == at("09:00 17/11/2026")  # 8 working hours
    assert d.status == Status.RECEIVED
    event = d.events.get(action="process_start")
    assert event.data["step"] == "check" and event.data["process"] == 1


def test_online_acceptance_starts_the_process_too(world):
    from motcua.dossiers.tests.factories import online

    d = online(world.org, world.procedure, at("08:00 16/11/2026"))
    assert not ProcessRun.objects.filter(dossier=d).exists()
    actions.perform(d, "accept", world.org.officer_a, now=at(T0))
    assert world.open_step(d).key == "check"


def test_dossiers_of_procedures_without_a_process_have_no_run(world):
    from motcua.dossiers.tests.factories import received
    from motcua.tests.builders import build_procedure

    other = build_procedure(code="1.000001", name="Thủ tục khác")
    d = received(world.org, other, at(T0))
    assert not ProcessRun.objects.filter(dossier=d).exists()
    assert d.status == Status.RECEIVED


def test_forward_without_land_goes_to_approval_and_starts_processing(world):
    d = world.receive()
    out = claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026",
                    note="Hồ sơ hợp lệ")
    assert out.dossier.status == Status.PROCESSING
    done = StepInstance.objects.get(dossier=d, key="check")
    assert (done.outcome, done.acted_by, done.note) == ("forward", world.org.specialist_a,
                                                        "Hồ sơ hợp lệ")
    assert done.finished_at == at("10:00 16/11/2026")
    nxt = out.next_step
    assert (nxt.key, nxt.role, nxt.agency, nxt.previous) == ("approve", "head", world.org.pc_a,
                                                             done)
    assert nxt.due_at == at("16:00 16/11/2026")  # 1.5 h before lunch + 2.5 h after
    events = list(d.events.values_list("action", flat=True))
    assert events[-3:] == ["step_claim", "step_forward", "start_processing"]


def test_branch_taken_by_form_data_hands_over_to_the_tax_agency_and_back(world):
    d = world.receive(form_data={"has_land": True})
    out = claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    tax_step = out.next_step
    assert tax_step.key == "tax" and tax_step.agency == world.tax
    assert out.dossier.status == Status.INTEROPERATING
    handover = Handover.objects.get(dossier=d)
    assert (handover.from_agency, handover.to_agency) == (world.org.pc_a, world.tax)
    assert handover.step_due_at == tax_step.due_at and handover.returned_at is None
    # the tax agency's staff now see the dossier
    from motcua.dossiers import policy

    assert policy.visible_dossiers(world.tax_officer).filter(pk=d.pk).exists()
    back = claim_and(world, d, world.tax_officer, "forward", "14:00 16/11/2026")
    assert back.dossier.status == Status.PROCESSING
    assert back.next_step.key == "approve" and back.next_step.agency == world.org.pc_a
    handover.refresh_from_db()
    assert handover.returned_at == at("14:00 16/11/2026")
    actions_seen = list(d.events.values_list("action", flat=True))
    assert "send_interagency" in actions_seen and "return_interagency" in actions_seen


def test_explicit_handover_and_return_from_the_other_agency(world):
    d = world.receive()
    out = claim_and(world, d, world.org.specialist_a, "handover", "10:00 16/11/2026")
    assert out.next_step.key == "tax" and out.dossier.status == Status.INTEROPERATING
    back = claim_and(world, d, world.tax_officer, "return", "11:00 16/11/2026",
                     note="Thiếu thông tin thửa đất")
    assert back.dossier.status == Status.PROCESSING
    # a step returned to goes back to whoever did it, if they still hold the role
    assert back.next_step.key == "check" and back.next_step.assignee == world.org.specialist_a
    assert Handover.objects.get(dossier=d).returned_at == at("11:00 16/11/2026")


def test_return_to_someone_who_lost_the_role_goes_to_the_queue(world):
    d = world.receive()
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    StaffRole.objects.filter(user=world.org.specialist_a).update(is_active=False)
    out = pactions.act(world.open_step(d), "return", actor=world.head_a, now=at("11:00 16/11/2026"))
    assert out.next_step.key == "check" and out.next_step.assignee is None


def test_approve_makes_the_result_ready_and_the_one_stop_officer_finishes(world):
    d = world.receive()
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    out = pactions.act(world.open_step(d), "approve", actor=world.head_a,
                     now=at("11:00 16/11/2026"), note="Đồng ý")
    assert out.dossier.status == Status.RESULT_READY
    deliver = out.next_step
    assert (deliver.key, deliver.agency, deliver.role) == ("deliver", world.org.center_a,
                                                           "one_stop_officer")
    done = claim_and(world, d, world.officer_a2, "finish", "14:00 16/11/2026")
    assert done.dossier.status == Status.RETURNED and done.next_step is None
    run = ProcessRun.objects.get(dossier=d)
    assert run.finished_at == at("14:00 16/11/2026")
    assert not StepInstance.objects.filter(dossier=d, finished_at__isnull=True).exists()
    assert list(StepInstance.objects.filter(dossier=d).values_list("key", "outcome")) == [
        ("check", "forward"), ("approve", "approve"), ("deliver", "finish")]


def test_refuse_is_a_reasoned_refusal_to_resolve_returned_like_a_result(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at("09:30 16/11/2026"))
    with pytest.raises(InvalidInput):
        pactions.act(step, "refuse", actor=world.org.specialist_a, now=at("10:00 16/11/2026"))
    out = pactions.act(step, "refuse", actor=world.org.specialist_a, reason="Không đủ điều kiện",
                     now=at("10:00 16/11/2026"))
    assert out.dossier.status == Status.RESULT_READY and out.dossier.outcome == "refusal"
    assert d.events.get(action="refuse_on_merits").reason == "Không đủ điều kiện"
    assert StepInstance.objects.get(dossier=d).outcome == "refuse"
    assert out.next_step is None  # the one-stop unit returns the refusal
    actions.perform(d, "return_result", world.org.officer_a, now=at("11:00 16/11/2026"))
    assert ProcessRun.objects.get(dossier=d).finished_at == at("11:00 16/11/2026")


def test_supplement_pauses_the_step_and_the_receipt_resumes_it_shifted(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    out = pactions.act(step, "request_supplement", actor=world.org.specialist_a,
                     items=[{"name": "Bản sao trích lục", "note": ""}], reason="Thiếu giấy tờ",
                     now=at("10:00 16/11/2026"))
    assert out.dossier.status == Status.SUPPLEMENT
    step.refresh_from_db()
    assert step.waiting and step.finished_at is None
    assert step.waiting_since == at("10:00 16/11/2026")
    with pytest.raises(DomainError) as waiting:
        pactions.act(step, "forward", actor=world.org.specialist_a, now=at("11:00 16/11/2026"))
    assert waiting.value.code == "step_waiting"
    dossier_due_before = out.dossier.due_at
    # the applicant answers the next day at 10:00: 8 working hours paused
    d = actions.perform(d, "receive_supplement", world.org.officer_a, now=at("10:00 17/11/2026"))
    step.refresh_from_db()
    assert not step.waiting and step.waiting_since is None
    assert step.due_at == at("09:00 18/11/2026")
    assert d.due_at - dossier_due_before == step.due_at - at("09:00 17/11/2026")
    assert d.status == Status.PROCESSING
    out = pactions.act(step, "forward", actor=world.org.specialist_a, now=at("11:00 17/11/2026"))
    assert out.next_step.key == "approve"


def test_supplement_in_restart_mode_counts_the_step_allotment_again(world):
    pv = world.procedure.versions.get()
    pv.supplement_mode = "restart"
    pv.save()
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    pactions.act(step, "request_supplement", actor=world.org.specialist_a,
               items=[{"name": "Tờ khai"}], now=at("10:00 16/11/2026"))
    actions.perform(d, "receive_supplement", world.org.officer_a, now=at("14:00 18/11/2026"))
    step.refresh_from_db()
    assert step.due_at == at("14:00 19/11/2026")


def test_payment_request_waits_until_the_payment_is_confirmed(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    with pytest.raises(InvalidInput):
        pactions.act(step, "request_payment", actor=world.org.specialist_a, now=at(T0))
    out = pactions.act(step, "request_payment", actor=world.org.specialist_a, amount_vnd=50_000,
                     now=at("10:00 16/11/2026"))
    assert out.dossier.status == Status.PAYING
    step.refresh_from_db()
    assert step.waiting
    actions.perform(d, "confirm_payment", world.org.officer_a, now=at("11:00 16/11/2026"))
    step.refresh_from_db()
    assert not step.waiting and step.due_at == at("10:00 17/11/2026")


def test_an_action_the_step_does_not_offer_is_refused_naming_the_offered_ones(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    with pytest.raises(DomainError) as refused:
        pactions.act(step, "approve", actor=world.org.specialist_a, now=at(T0))
    assert refused.value.code == "action_not_offered" and refused.value.status_code == 409
    assert refused.value.extra["offered"] == ["forward", "handover", "request_supplement",
                                              "request_payment", "refuse"]
    with pytest.raises(InvalidInput):
        pactions.act(step, "teleport", actor=world.org.specialist_a, now=at(T0))


def test_a_finished_step_cannot_be_acted_on_twice(world):
    d = world.receive()
    step = world.open_step(d)
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    with pytest.raises(DomainError) as twice:
        pactions.act(step, "forward", actor=world.org.specialist_a, now=at("10:01 16/11/2026"))
    assert twice.value.code == "step_finished"


def test_withdrawal_granted_closes_the_run(world):
    d = world.receive()
    actions.perform(d, "request_withdrawal", world.org.officer_a, reason="Người dân rút hồ sơ",
                    now=at("09:30 16/11/2026"))
    actions.perform(d, "grant_withdrawal", world.head_a, now=at("10:00 16/11/2026"))
    step = StepInstance.objects.get(dossier=d)
    assert (step.finished_at, step.outcome) == (at("10:00 16/11/2026"), "grant_withdrawal")
    assert ProcessRun.objects.get(dossier=d).finished_at == at("10:00 16/11/2026")


# --- refused actors -----------------------------------------------------------------------


def _refused(call, user, attempted):
    """Refused and audited: 403 to whom may see the step (a role in its agency, or the
    dossier readable), else 404 as for a step that does not exist (issue 9)."""
    before = AuditEvent.objects.filter(action="step.refused").count()
    with pytest.raises((NotAllowed, NotFound)) as refused:
        call()
    audit = AuditEvent.objects.filter(action="step.refused").order_by("-id").first()
    assert AuditEvent.objects.filter(action="step.refused").count() == before + 1
    assert audit.actor == user and audit.data["attempted"] == attempted
    step = StepInstance.objects.select_related("dossier").get(pk=audit.object_id)
    sees = (StaffRole.objects.active().filter(user=user, agency_id=step.agency_id).exists()
            or policy.can_read(user, step.dossier))
    assert refused.value.status_code == (403 if sees else 404)
    assert audit.data.get("hidden", False) is not sees
    return audit


@pytest.mark.parametrize("action,kw", [
    ("forward", {}), ("handover", {}), ("refuse", {"reason": "x"}),
    ("request_supplement", {"items": [{"name": "x"}]}), ("request_payment", {"amount_vnd": 1}),
])
@pytest.mark.parametrize("who", ["not_assignee", "other_agency", "wrong_role"])
def test_only_the_assignee_or_a_head_may_act(world, action, kw, who):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    user = {"not_assignee": world.specialist_a2, "other_agency": world.specialist_b,
            "wrong_role": world.org.officer_a}[who]
    audit = _refused(lambda: pactions.act(step, action, actor=user, now=at(T0), **kw), user,
                     action)
    assert audit.data["dossier"] == d.code and audit.data["step"] == "check"
    step.refresh_from_db()
    assert step.finished_at is None and world.open_step(d).pk == step.pk
    d.refresh_from_db()
    assert d.status == Status.RECEIVED


@pytest.mark.parametrize("action,kw", [("approve", {}), ("return", {}),
                                       ("refuse", {"reason": "x"})])
def test_approval_actions_are_refused_to_specialists(world, action, kw):
    d = world.receive()
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    step = world.open_step(d)
    _refused(lambda: pactions.act(step, action, actor=world.org.specialist_a,
                                now=at("10:30 16/11/2026"), **kw), world.org.specialist_a, action)


def test_finish_is_refused_to_the_other_centers_officer(world):
    d = world.receive()
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    pactions.act(world.open_step(d), "approve", actor=world.head_a, now=at("11:00 16/11/2026"))
    step = world.open_step(d)
    _refused(lambda: pactions.act(step, "finish", actor=world.org.officer_b,
                                now=at("14:00 16/11/2026")), world.org.officer_b, "finish")
    _refused(lambda: pactions.claim(step, user=world.org.officer_b, now=at("14:00 16/11/2026")),
             world.org.officer_b, "claim")


def test_an_unassigned_step_is_acted_on_only_after_a_claim(world):
    d = world.receive()
    step = world.open_step(d)
    _refused(lambda: pactions.act(step, "forward", actor=world.org.specialist_a, now=at(T0)),
             world.org.specialist_a, "forward")


def test_a_role_change_takes_effect_at_once(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    StaffRole.objects.filter(user=world.org.specialist_a).update(is_active=False)
    _refused(lambda: pactions.act(step, "forward", actor=world.org.specialist_a, now=at(T0)),
             world.org.specialist_a, "forward")


# --- claim and assignment -----------------------------------------------------------------


def test_claim_needs_the_role_in_the_agency_and_an_unassigned_step(world):
    d = world.receive()
    step = world.open_step(d)
    _refused(lambda: pactions.claim(step, user=world.specialist_b, now=at(T0)),
             world.specialist_b, "claim")
    _refused(lambda: pactions.claim(step, user=world.org.officer_a, now=at(T0)),
             world.org.officer_a, "claim")
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    with pytest.raises(DomainError) as taken:
        pactions.claim(step, user=world.specialist_a2, now=at(T0))
    assert taken.value.code == "step_taken" and taken.value.status_code == 409
    step.refresh_from_db()
    assert step.assignee == world.org.specialist_a and step.assigned_at == at(T0)
    assert d.events.filter(action="step_claim").count() == 1


def test_heads_assign_and_reassign_and_may_act_themselves(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.assign(step, to_user=world.org.specialist_a, by=world.head_a, now=at(T0))
    pactions.assign(step, to_user=world.specialist_a2, by=world.leader_a,
                  now=at("09:30 16/11/2026"))
    step.refresh_from_db()
    assert step.assignee == world.specialist_a2
    reassigned = d.events.filter(action="step_assign").last()
    assert reassigned.data["previous_assignee"] == "specialist.a"
    assert reassigned.data["assignee"] == "specialist.a2"
    # the former assignee can no longer act
    _refused(lambda: pactions.act(step, "forward", actor=world.org.specialist_a, now=at(T0)),
             world.org.specialist_a, "forward")
    out = pactions.act(step, "forward", actor=world.head_a, now=at("10:00 16/11/2026"))
    assert out.step.acted_by == world.head_a


def test_only_heads_assign_and_only_to_holders_of_the_role(world):
    d = world.receive()
    step = world.open_step(d)
    _refused(lambda: pactions.assign(step, to_user=world.specialist_a2,
                                   by=world.org.specialist_a, now=at(T0)),
             world.org.specialist_a, "assign")
    _refused(lambda: pactions.assign(step, to_user=world.tax_officer, by=world.tax_head,
                                   now=at(T0)), world.tax_head, "assign")
    for outsider in (world.specialist_b, world.org.officer_a):
        with pytest.raises(InvalidInput) as wrong:
            pactions.assign(step, to_user=outsider, by=world.head_a, now=at(T0))
        assert wrong.value.code == "assignee"
    step.refresh_from_db()
    assert step.assignee is None


# --- versions -----------------------------------------------------------------------------


def test_a_running_dossier_keeps_its_process_version(world):
    first = world.receive()
    changed = definition()
    changed["steps"][0]["hours"] = 6
    changed["steps"][0]["name"] = "Thẩm định (rút gọn)"
    v2 = publish_process(world.procedure, changed, effective_from=dt.date(2026, 11, 16))
    assert v2.number == 2
    world.process.refresh_from_db()
    assert world.process.effective_to == dt.date(2026, 11, 16)
    second = world.receive("10:00 16/11/2026")
    assert ProcessRun.objects.get(dossier=first).process == world.process
    assert ProcessRun.objects.get(dossier=second).process == v2
    assert world.open_step(second).name == "Thẩm định (rút gọn)"
    out = claim_and(world, first, world.org.specialist_a, "forward", "10:00 16/11/2026")
    assert out.step.name == "Thẩm định hồ sơ" and out.next_step.key == "approve"


def test_a_variant_for_the_handling_agency_kind_wins_over_the_default(world):
    variant = definition(agency_kind="commune_pc")
    variant["steps"][0]["name"] = "Thẩm định (UBND xã)"
    publish_process(world.procedure, variant, effective_from=dt.date(2025, 7, 1))
    d = world.receive()
    assert world.open_step(d).name == "Thẩm định (UBND xã)"
    assert ProcessRun.objects.get(dossier=d).process.agency_kind == "commune_pc"


def test_conditions_see_form_data_applicant_and_procedure(world):
    d = world.receive(form_data={"has_land": True})
    data = pactions.condition_data(d)
    assert data["form_data"] == {"has_land": True}
    assert data["applicant"]["kind"] == "person"
    assert data["applicant"]["commune_code"] == world.org.commune_a.code
    assert data["procedure"] == "1.004873"


def test_a_step_whose_agency_is_missing_falls_back_to_the_handling_agency(world):
    world.tax.is_active = False
    world.tax.save()
    d = world.receive(form_data={"has_land": True})
    out = claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    assert out.next_step.agency == world.org.pc_a
    assert out.dossier.status == Status.PROCESSING
    event = DossierEvent.objects.get(dossier=d, action="step_forward")
    assert event.data["agency_fallback"] is True


def test_sign_after_approval_keeps_the_result_ready_and_leads_to_the_return(world):
    raw = definition(name="Có bước ký")
    approve = raw["steps"][2]
    approve["actions"] = {"approve": "sign", "return": "check"}
    approve["hours"] = 2
    raw["steps"].insert(3, {"key": "sign", "name": "Ký kết quả", "role": "leader",
                            "agency": "competent", "hours": 2,
                            "actions": {"sign": "deliver", "return": "approve"}})
    publish_process(world.procedure, raw, effective_from=dt.date(2026, 11, 1))
    d = world.receive()
    claim_and(world, d, world.org.specialist_a, "forward", "10:00 16/11/2026")
    out = pactions.act(world.open_step(d), "approve", actor=world.head_a,
                     now=at("11:00 16/11/2026"))
    assert out.dossier.status == Status.RESULT_READY and out.next_step.key == "sign"
    sign = out.next_step
    _refused(lambda: pactions.act(sign, "sign", actor=world.org.specialist_a,
                                now=at("13:30 16/11/2026")), world.org.specialist_a, "sign")
    out = pactions.act(sign, "sign", actor=world.leader_a, now=at("14:00 16/11/2026"))
    assert out.dossier.status == Status.RESULT_READY and out.next_step.key == "deliver"
    assert d.events.filter(action="mark_result_ready").count() == 1


def test_a_process_starting_at_another_agency_hands_the_dossier_over_at_receipt(world):
    raw = definition(name="Bắt đầu tại cơ quan thuế")
    raw["steps"] = [raw["steps"][1], raw["steps"][2], raw["steps"][3]]
    raw["steps"][0]["actions"] = {"forward": "approve"}
    raw["steps"][1]["actions"] = {"approve": "deliver", "refuse": None}
    publish_process(world.procedure, raw, effective_from=dt.date(2026, 11, 1))
    d = world.receive()
    assert d.status == Status.INTEROPERATING
    step = world.open_step(d)
    assert step.agency == world.tax and step.handed_over_by == world.org.pc_a
    assert Handover.objects.get(dossier=d).step_due_at == step.due_at
    out = claim_and(world, d, world.tax_officer, "forward", "10:00 16/11/2026")
    assert out.dossier.status == Status.PROCESSING and out.next_step.handed_over_by is None


def test_a_supplement_asked_at_the_dossier_level_pauses_the_open_step(world):
    d = world.receive()
    step = world.open_step(d)
    actions.perform(d, "request_supplement", world.org.officer_a, items=[{"name": "Tờ khai"}],
                               now=at("10:00 16/11/2026"))
    step.refresh_from_db()
    assert step.waiting and step.waiting_since == at("10:00 16/11/2026")
    actions.perform(d, "receive_supplement", world.org.officer_a, now=at("11:00 16/11/2026"))
    step.refresh_from_db()
    assert not step.waiting and step.due_at == at("10:00 17/11/2026")


def test_staff_of_an_agency_with_a_step_of_the_dossier_read_it(world):
    from motcua.dossiers import policy
    from motcua.tests.builders import staff

    d = world.receive()
    justice = staff("justice.a", "Cán bộ Sở Tư pháp", world.org.department, "specialist")
    assert not policy.visible_dossiers(justice).filter(pk=d.pk).exists()
    step = world.open_step(d)
    StepInstance.objects.filter(pk=step.pk).update(agency=world.org.department)
    assert policy.visible_dossiers(justice).filter(pk=d.pk).exists()
    pactions.act(step, "forward", actor=staff("justice.head", "Trưởng phòng", world.org.department,
                                            "head"), now=at("10:00 16/11/2026"))
    # a past step keeps the dossier readable
    assert policy.visible_dossiers(justice).filter(pk=d.pk).exists()


def test_a_dossier_waiting_to_be_routed_starts_its_process_once_routed(world):
    world.procedure.versions.update(competence_basis="event_place")  # the form names no place
    d = world.receive()
    assert d.dispatch_reason and not ProcessRun.objects.filter(dossier=d).exists()
    actions.perform(d, "route", world.org.officer_a, to_agency=world.org.pc_a.code,
                    reason="Nơi người mất cư trú cuối cùng", now=at("10:00 16/11/2026"))
    step = StepInstance.objects.get(dossier=d)
    assert step.agency == world.org.pc_a and step.started_at == at("10:00 16/11/2026")
