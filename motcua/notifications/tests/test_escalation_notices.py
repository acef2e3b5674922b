"""Escalation (processing) with a fake clock, through to the staff notices: each warning once, on
the timeline, as in-app notifications."""

import pytest
from django.core.management import call_command

from motcua.dossiers import actions
from motcua.dossiers.models import DossierEvent
from motcua.notifications.models import Notification
from motcua.processing import actions as pactions
from motcua.processing.escalation import run_pass
from motcua.processing.models import Escalation
from motcua.processing.tests.conftest import T0, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read the English wording of messages (the UI default is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
NOTHING = {"step_due_soon": 0, "step_late": 0, "dossier_due_soon": 0}


def recipients(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username",
                                                                     flat=True))


def test_the_assignee_is_warned_before_the_step_is_due_once(world):
    d = world.receive()  # check due 09:00 Tue 17/11
    pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    assert run_pass(at("14:00 16/11/2026")) == NOTHING  # 5 working hours left
    sent = run_pass(at("15:00 16/11/2026"))  # 4 working hours left
    assert sent == {**NOTHING, "step_due_soon": 1}
    assert recipients("step_due_soon") == ["specialist.a"]
    note = Notification.objects.get()
    assert note.dossier == d and "09:00 17/11/2026" in note.text and note.read_at is None
    event = DossierEvent.objects.get(dossier=d, action="escalate")
    assert event.data["kind"] == "step_due_soon" and event.data["recipients"] == ["specialist.a"]
    assert event.data["step"] == "check" and event.agency == world.org.pc_a
    assert run_pass(at("15:00 16/11/2026")) == NOTHING
    assert run_pass(at("16:00 16/11/2026")) == NOTHING
    assert Escalation.objects.count() == 1
    assert DossierEvent.objects.filter(action="escalate").count() == 1


def test_the_queue_is_warned_when_nobody_took_the_step(world):
    world.receive()
    run_pass(at("15:00 16/11/2026"))
    assert recipients("step_due_soon") == ["specialist.a", "specialist.a2"]


def test_the_head_is_warned_when_the_step_is_late(world, settings):
    settings.STEP_WARN_BEFORE_HOURS = 1
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    run_pass(at("08:30 17/11/2026"))
    assert recipients("step_due_soon") == ["specialist.a"]
    assert run_pass(at("08:59 17/11/2026")) == NOTHING
    assert run_pass(at("09:00 17/11/2026"))["step_late"] == 1
    assert recipients("step_late") == ["head.a"]
    late = Notification.objects.get(kind="step_late")
    assert "Phạm Quốc Bảo" in late.text
    assert run_pass(at("10:00 18/11/2026"))["step_late"] == 0
    assert list(Escalation.objects.filter(step__isnull=False).order_by("id")
                .values_list("kind", flat=True)) == ["step_due_soon", "step_late"]


def test_the_heads_and_one_stop_officers_are_warned_before_the_legal_due_time(world):
    d = world.receive()  # legally due 09:00 Thu 19/11
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    pactions.act(step, "forward", actor=world.org.specialist_a, now=at("10:00 16/11/2026"))
    sent = run_pass(at("08:00 18/11/2026"))  # 9 working hours left
    assert sent["dossier_due_soon"] == 0
    sent = run_pass(at("09:00 18/11/2026"))  # 8 working hours left
    assert sent["dossier_due_soon"] == 1
    assert recipients("dossier_due_soon") == ["head.a", "officer.a", "officer.a2"]
    text = Notification.objects.filter(kind="dossier_due_soon").first().text
    assert d.code in text and "09:00 19/11/2026" in text
    assert run_pass(at("10:00 18/11/2026"))["dossier_due_soon"] == 0
    assert DossierEvent.objects.filter(dossier=d, action="escalate",
                                       data__kind="dossier_due_soon").count() == 1


def test_no_legal_deadline_warning_once_an_apology_was_issued(world):
    d = world.receive()
    actions.perform(d, "apologize", world.org.officer_a, reason="Cần xác minh thêm",
                      new_appointment=at("09:00 24/11/2026"), now=at("10:00 17/11/2026"))
    assert run_pass(at("09:00 18/11/2026"))["dossier_due_soon"] == 0


def test_waiting_steps_and_paused_dossiers_are_not_warned(world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    pactions.act(step, "request_supplement", actor=world.org.specialist_a,
               items=[{"name": "Tờ khai"}], now=at("09:30 16/11/2026"))
    assert run_pass(at("09:00 18/11/2026")) == NOTHING


def test_steps_of_other_agencies_warn_their_own_staff(world):
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    pactions.act(world.open_step(d), "handover", actor=world.org.specialist_a,
               now=at("09:00 16/11/2026"))  # tax step due 15:00 Mon (4 working hours)
    run_pass(at("09:30 16/11/2026"))
    assert recipients("step_due_soon") == ["tax.officer"]
    run_pass(at("15:00 16/11/2026"))
    assert recipients("step_late") == ["tax.head"]


def test_a_late_step_of_a_unit_without_heads_warns_the_heads_above_it(world):
    from motcua.org.models import Role, StaffRole
    from motcua.tests.builders import agency, staff

    department = agency("000.00.00.H40", "Cục Thuế tỉnh Ninh Bình", "sector", world.org.province)
    world.tax.parent = department
    world.tax.save()
    staff("department.head", "Hà Văn Cục", department, Role.HEAD)
    StaffRole.objects.filter(user=world.tax_head).update(is_active=False)  # the post is vacant
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    pactions.act(world.open_step(d), "handover", actor=world.org.specialist_a,
               now=at("09:00 16/11/2026"))  # tax step due 15:00 Mon
    run_pass(at("15:00 16/11/2026"))
    assert recipients("step_late") == ["department.head"]


def test_the_command_and_the_task_run_the_pass(world, capsys):
    from motcua.processing.tasks import escalate

    world.receive("09:00 13/11/2026")  # long past: every warning is due now
    call_command("escalate")
    assert "step_late 1" in capsys.readouterr().out
    assert escalate.call() == NOTHING  # idempotent whoever runs it


def test_the_loop_runs_the_pass_again_and_survives_a_failed_pass(db, monkeypatch, capsys):
    from motcua.core import loop
    from motcua.processing.management.commands import escalate as command

    calls = []

    def fake_pass():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        if len(calls) == 3:
            raise KeyboardInterrupt
        return {**NOTHING, "step_late": 2}

    clock = iter(range(0, 10_000, 30))
    monkeypatch.setattr(command, "run_pass", fake_pass)
    monkeypatch.setattr(loop.time, "sleep", lambda s: None)
    monkeypatch.setattr(loop.time, "monotonic", lambda: next(clock))
    with pytest.raises(KeyboardInterrupt):
        call_command("escalate", "--loop", "60")
    assert len(calls) == 3
    out = capsys.readouterr()
    assert "step_late 2" in out.out and "escalation pass failed" in out.err
