"""Step actions: a received dossier goes through the steps of its process version.

Every state change here is one transaction that locks the dossier row once
(`dossiers.actions.lock`), then the step row, writes timeline events, and changes the dossier
only through `dossiers.actions.perform_locked` on that same locked row. The dossiers app tells
this one about its own changes through domain events (subscribed in `apps.py`): a received
dossier starts its run, a waiting one makes its steps wait, a closed one ends its run.

Effects of the step actions (see `definition.py`):
  forward, return, handover  finish the step, start the target step. The first move out of
                             "received" starts processing (2→4). Moving to a step of an agency
                             other than the dossier's handling or receiving agency hands the
                             dossier over (→0, a Handover row, due = the new step's due time);
                             moving back returns it (0→4).
  request_supplement         the dossier waits for the applicant (→5); the step stays open,
                             waiting; it resumes when the supplement is received, its due time
                             shifted by the paused working time (or restarted, by the
                             procedure's mode), like the dossier's.
  request_payment            offered wherever request_supplement is: a financial obligation
                             (→6); the step waits until the payment is confirmed.
  refuse                     a reasoned refusal to resolve the dossier (→9, Form 03); the
                             one-stop unit returns it like a result (→10), and the run ends.
  approve, sign              the result is ready (→9); the target step (returning the result)
                             starts.
  finish                     the result is returned (→10); the run ends.

Who may act: the assignee while they hold the step's role in the step's agency, or a head or
leader of that agency. Roles are read at action time. Every refused attempt is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import router, transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.compiled import ID_STAND_IN, Compiled, CompiledModel
from motcua.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from motcua.core.events import publish
from motcua.core.formatting import iso_local
from motcua.dossiers import actions as dactions
from motcua.dossiers import policy, routing
from motcua.dossiers.events import (
    DossierClosed,
    DossierReceived,
    DossierResumed,
    DossierRouted,
    DossierWaiting,
)
from motcua.dossiers.models import FINAL_STATUSES, Dossier, Status
from motcua.org.models import Agency, Role, User
from motcua.org.selectors import HeldRole, held_roles, roles_at, roles_in
from motcua.processing import definition as defn
from motcua.processing.events import StepChanged
from motcua.processing.models import Process, ProcessRun, StepAgency, StepInstance
from motcua.processing.permissions import (
    STEP_ACTIONS,
    may_act,
    may_assign,
    may_claim,
    offered_actions,
)
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar

log = logging.getLogger(__name__)

PAUSING = ("request_supplement", "request_payment")


@dataclass(frozen=True)
class Outcome:
    dossier: Dossier
    step: StepInstance  # the step acted on
    next_step: StepInstance | None = None
    # the actor's roles as the action read them: the answer reuses them (one read a request)
    held: list[HeldRole] | None = None


def ASSIGN_REFUSED() -> str:  # noqa: N802  (a message, translated when raised)
    return _("Only a head or leader of the step's agency may assign it.")


class _Hidden(Exception):
    """The step is not the actor's to see: answered like a step that does not exist."""


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- which process ------------------------------------------------------------------------


def process_for(dossier: Dossier, day: dt.date) -> Process | None:
    """The process in force on `day` for the dossier: the variant for its handling agency's
    kind, else the default one."""
    kind = dossier.handling_agency.kind
    candidates = list(
        Process.objects.in_force_on(day)
        .filter(procedure_id=dossier.procedure_id, agency_kind__in=[kind, ""])
        .order_by("-effective_from", "-number")
    )
    for wanted in (kind, ""):
        for process in candidates:
            if process.agency_kind == wanted:
                return process
    return None


# --- subscribers to the dossier's events (apps.py) ---------------------------------------


_HAS_RUN = Compiled(lambda pk: ProcessRun.objects.filter(dossier_id=pk).values_list("pk")[:1],
                    ID_STAND_IN)


def follows_process(dossier_id: int) -> bool:
    """Whether the dossier runs through an internal process (the policy asks, apps.py; on
    every dossier page and action, so compiled once)."""
    return bool(_HAS_RUN.rows(dossier_id, router.db_for_read(ProcessRun)))


def start_run(event: DossierReceived | DossierRouted) -> None:
    """The dossier was received (1→2), or routed from the dispatch queue after receipt: start
    its process at the competent agency, if its procedure has one. Not while it waits to be
    routed: the competent agency is not known yet."""
    d, now = event.dossier, event.at
    if d.dispatch_reason or d.received_at is None:
        return
    process = process_for(d, (d.received_at or now).astimezone(TZ).date())
    if process is None or ProcessRun.objects.filter(dossier=d).exists():
        return
    run = ProcessRun.objects.create(dossier=d, process=process, started_at=now)
    start = process.parsed.start
    agency, fallback = _agency_for(d, start)
    step = _start_step(run, d, start, agency, previous=None, now=now)
    dactions.timeline_event(
        d, "process_start", actor=event.actor, now=now, agency=agency,
        process=process.number, process_variant=process.agency_kind or None,
        step=step.key, step_name=step.name, role=step.role, to_agency=agency.code,
        due_at=iso_local(step.due_at), agency_fallback=fallback or None,
    )
    if not _is_home(d, agency.pk):
        dactions.perform_locked(d, "send_interagency", event.actor, now=now, to_agency=agency,
                                step_due_at=step.due_at)


def wait_steps(event: DossierWaiting) -> None:
    """The dossier waits for the applicant or a payment: its open steps wait too."""
    StepInstance.objects.filter(dossier=event.dossier, finished_at__isnull=True,
                                waiting=False).update(waiting=True, waiting_since=event.at)


def resume_steps(event: DossierResumed) -> None:
    """The applicant answered (or paid): the waiting steps resume, their due times shifted by
    the paused working time (PAUSE) or counted again in full (RESTART)."""
    calendar, now = get_calendar(), event.at
    waiting = (
        StepInstance.objects.select_for_update()
        .select_related("run__process")
        .filter(dossier=event.dossier, finished_at__isnull=True, waiting=True)
    )
    for step in waiting:
        if event.restart:
            hours = step.run.process.parsed.step(step.key).hours
            step.due_at = calendar.add_working_seconds(now, round(hours * 3600))
        else:
            step.due_at = calendar.shift_for_pause(step.due_at, step.waiting_since or now, now)
        step.waiting, step.waiting_since = False, None
        step.save(update_fields=["due_at", "waiting", "waiting_since"])
        publish(StepChanged(step))


def end_run(event: DossierClosed) -> None:
    """The dossier reached a final status (returned, stopped, withdrawn): the run ends and any
    step still open is closed with that action as its outcome."""
    d, now = event.dossier, event.at
    still_open = list(StepInstance.objects.filter(dossier=d, finished_at__isnull=True))
    if still_open:
        StepInstance.objects.filter(pk__in=[s.pk for s in still_open]).update(
            finished_at=now, outcome=event.action[:20], waiting=False
        )
    for step in still_open:
        step.finished_at, step.outcome, step.waiting = now, event.action[:20], False
        publish(StepChanged(step))
    ProcessRun.objects.filter(dossier=d, finished_at__isnull=True).update(finished_at=now)


# --- assignment ---------------------------------------------------------------------------


def claim(step: StepInstance | int, *, user: User, now: dt.datetime | None = None
          ) -> Outcome:
    """Take a step from the unit queue: a staff member holding its role in its agency."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            held = held_roles(user)
            d, s = _lock(step, user, held)
            roles = roles_in(held, s.agency_id)
            if s.role not in roles:
                raise _Refused(_("Only staff holding the step's role in its agency may claim "
                                 "it."))
            if not may_claim(s.assignee_id, s.role, roles):
                raise DomainError(
                    _("This step is already assigned to %(name)s.")
                    % {"name": _display(s.assignee)}, code="step_taken",
                )
            s.assignee, s.assigned_at = user, now
            s.save(update_fields=["assignee", "assigned_at"])
            publish(StepChanged(s))
            dactions.timeline_event(d, "step_claim", actor=user, now=now, agency=s.agency,
                                    step=s.key, step_name=s.name, assignee=user.username)
            return Outcome(d, s, held=held)
    except _Refused as refused:
        raise refusal(user, step, "claim", refused.message) from None
    except _Hidden:
        raise hidden(user, step, "claim") from None


def assign(step: StepInstance, *, to_user: User, by: User,
           now: dt.datetime | None = None) -> Outcome:
    """A head or leader of the step's agency assigns (or reassigns) it to a staff member who
    holds the step's role there."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            d, s = _lock(step, by, held_roles(by))
            if not may_assign(roles_at(by, s.agency_id)):
                raise _Refused(ASSIGN_REFUSED())
            if s.role not in roles_at(to_user, s.agency_id):
                raise InvalidInput(
                    _("%(name)s does not hold the role “%(role)s” in %(agency)s.")
                    % {"name": _display(to_user), "role": Role(s.role).label,
                       "agency": s.agency.name},
                    code="assignee",
                )
            before = s.assignee
            s.assignee, s.assigned_at = to_user, now
            s.save(update_fields=["assignee", "assigned_at"])
            publish(StepChanged(s))
            dactions.timeline_event(
                d, "step_assign", actor=by, now=now, agency=s.agency, step=s.key,
                step_name=s.name, assignee=to_user.username,
                previous_assignee=before.username if before else None,
            )
            return Outcome(d, s)
    except _Refused as refused:
        raise refusal(by, step, "assign", refused.message) from None
    except _Hidden:
        raise hidden(by, step, "assign") from None


def assign_by_username(step_id: int, username: str, *, by: User,
                       now: dt.datetime | None = None) -> Outcome:
    """`assign` to the active staff member named `username` (the API's and the pages' way)."""
    step = StepInstance.objects.filter(pk=step_id).first()
    if step is None:
        raise NotFound(_("No such step."))
    to_user = User.objects.filter(username=username, kind=User.Kind.STAFF,
                                  is_active=True).first()
    if to_user is None:
        # an unknown name must not tell a non-head anything: check the caller first
        if not may_see(by, step):
            raise hidden(by, step, "assign")
        if not may_assign(roles_at(by, step.agency_id)):
            raise refusal(by, step, "assign", ASSIGN_REFUSED())
        raise InvalidInput(_("No active staff member has this username."), code="assignee")
    return assign(step, to_user=to_user, by=by, now=now)


# --- step actions -------------------------------------------------------------------------


def act(
    step: StepInstance | int, action: str, *, actor: User, note: str = "", reason: str = "",
    items: list[dict[str, str]] | None = None, amount_vnd: int | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Do `action` on an open step (see the module docstring)."""
    now = now or timezone.now()
    if action not in STEP_ACTIONS:
        raise InvalidInput(_("Unknown step action."), code="unknown_action")
    try:
        with transaction.atomic():
            held = held_roles(actor)
            d, s = _lock(step, actor, held)
            if not may_act(actor.pk, s.assignee_id, s.role, roles_in(held, s.agency_id)):
                raise _Refused(_("Only the step's assignee, or a head or leader of its "
                                 "agency, may act on it."))
            step_def = s.run.process.parsed.step(s.key)
            offered = offered_actions(step_def)
            if action not in offered:
                raise DomainError(
                    _("“%(action)s” is not offered at step “%(step)s”; offered: %(offered)s.")
                    % {"action": action, "step": s.name, "offered": ", ".join(offered)},
                    code="action_not_offered", offered=offered,
                )
            if s.waiting and action != "refuse":
                raise DomainError(
                    _("The step waits for the applicant; it resumes when they answer."),
                    code="step_waiting",
                )
            outcome = _apply(d, s, step_def, action, actor=actor, note=note, reason=reason,
                             items=items or [], amount_vnd=amount_vnd, now=now)
            if d.status in FINAL_STATUSES:  # end_run has ended the run in the database
                s.run.refresh_from_db(fields=["finished_at"])
            return Outcome(outcome.dossier, outcome.step, outcome.next_step, held=held)
    except _Refused as refused:
        raise refusal(actor, step, action, refused.message) from None
    except _Hidden:
        raise hidden(actor, step, action) from None


def _apply(d: Dossier, s: StepInstance, step_def: defn.StepDef, action: str, *, actor: User,
           note: str, reason: str, items: list[dict[str, str]], amount_vnd: int | None,
           now: dt.datetime) -> Outcome:
    text = reason or note
    if action in PAUSING:
        dactions.timeline_event(d, f"step_{action}", actor=actor, now=now, agency=s.agency,
                                reason=text, step=s.key, step_name=s.name)
        if action == "request_supplement":
            dactions.perform_locked(d, action, actor, now=now, items=items, reason=text,
                                    on_behalf_of=s.agency)
        else:
            dactions.perform_locked(d, action, actor, now=now, amount_vnd=amount_vnd,
                                    reason=text, on_behalf_of=s.agency)
        s.waiting, s.waiting_since = True, now  # as wait_steps has just written it
        return Outcome(d, s)

    process = s.run.process.parsed
    # the data only when a branch asks: reading it costs the applicant's commune and procedure
    target_key = step_def.next_step(
        action, condition_data(d) if step_def.is_conditional(action) else {})
    target = process.step(target_key) if target_key else None
    if action in defn.MOVES and target is None:  # validation forbids it; defensive
        raise DomainError(_("No step follows this action."), code="no_target")
    if action == "refuse" and not reason.strip():
        raise InvalidInput(_("A reason is required."), code="reason")
    _finish(s, action, actor, text, now)
    agency, fallback = _agency_for(d, target) if target else (None, False)
    due = _step_due(target.hours, now) if target else None
    dactions.timeline_event(
        d, f"step_{action}", actor=actor, now=now, agency=s.agency, reason=text, step=s.key,
        step_name=s.name, to_step=target.key if target else None,
        to_step_name=target.name if target else None,
        to_agency=agency.code if agency else None, due_at=iso_local(due),
        agency_fallback=fallback or None,
    )
    if action in defn.MOVES:
        assert target is not None and agency is not None and due is not None
        _move_dossier(d, s.agency, agency, actor=actor, note=text, step_due=due, now=now)
    elif action == "refuse":  # after appraisal: a reasoned refusal to resolve, not a stop
        _bring_home(d, s.agency, actor=actor, note=text, now=now)
        dactions.perform_locked(d, "refuse_on_merits", actor, now=now, reason=reason,
                                on_behalf_of=s.agency)
    elif action in ("approve", "sign"):
        _bring_home(d, s.agency, actor=actor, note=text, now=now)
        if d.status != Status.RESULT_READY:
            dactions.perform_locked(d, "mark_result_ready", actor, now=now, note=text,
                                    on_behalf_of=s.agency)
    elif action == "finish":
        _bring_home(d, s.agency, actor=actor, note=text, now=now)
        if d.status == Status.PROCESSING:
            dactions.perform_locked(d, "mark_result_ready", actor, now=now, note=text,
                                    on_behalf_of=s.agency)
        dactions.perform_locked(d, "return_result", actor, now=now, note=text,
                                on_behalf_of=s.agency)
    next_step = None
    if target is not None and agency is not None:
        next_step = _start_step(s.run, d, target, agency, previous=s, now=now,
                                returning=action == "return")
    return Outcome(d, s, next_step)


def condition_data(d: Dossier) -> dict[str, Any]:
    """What branch conditions see: the form data, the applicant, the procedure, the channel."""
    commune = d.applicant_commune
    return {
        "form_data": d.form_data or {},
        "applicant": {
            "kind": d.applicant_kind,
            "commune_code": commune.code if commune else "",
            "has_account": d.account_id is not None,
        },
        "procedure": d.procedure.code,
        "channel": d.channel,
    }


# --- the machinery ------------------------------------------------------------------------


# The two reads every step action locks, compiled once per process (core.compiled): the
# dossier named by the step's id (no read of the step before), then the step.
_DOSSIER_OF_STEP = dactions.compiled_lock(
    lambda step_id: Subquery(StepInstance.objects.filter(pk=step_id).values("dossier_id")[:1]),
    stand_in=ID_STAND_IN)
_STEP = CompiledModel(
    lambda step_id: StepInstance.objects.select_for_update(of=("self",)).filter(pk=step_id),
    stand_in=ID_STAND_IN, related=("run__process", "agency", "assignee"))


def _lock(step: StepInstance | int, user: User, held: list[HeldRole]
          ) -> tuple[Dossier, StepInstance]:
    """Lock the dossier, then the step (always in this order), and check the step is open.
    Given the step's id, its dossier is found in the lock's own query (no read before). A
    user who may not see the step learns nothing, whether it exists or is finished: _Hidden
    (then 404), before any other check."""
    using = router.db_for_write(StepInstance)
    step_id = step.pk if isinstance(step, StepInstance) else step
    try:
        d = (dactions.lock(step.dossier_id) if isinstance(step, StepInstance)
             else _DOSSIER_OF_STEP.get(step_id, using))
    except Dossier.DoesNotExist:
        raise NotFound(_("No such step.")) from None
    s = _STEP.get(step_id, using)
    if not _sees(user, held, s, d):
        raise _Hidden()
    if s.finished_at is not None:
        raise DomainError(_("This step is already finished."), code="step_finished")
    return d, s


def _is_home(d: Dossier, agency_id: int) -> bool:
    """The handling and receiving agencies are the dossier's own; any other is inter-agency."""
    return agency_id in (d.handling_agency_id, d.receiving_agency_id)


def _move_dossier(d: Dossier, frm: Agency, to: Agency, *, actor: User, note: str,
                  step_due: dt.datetime, now: dt.datetime) -> None:
    if frm.pk != to.pk:
        _bring_home(d, frm, actor=actor, note=note, now=now)
        if not _is_home(d, to.pk) and d.status in (Status.RECEIVED, Status.PROCESSING):
            dactions.perform_locked(d, "send_interagency", actor, now=now, to_agency=to,
                                    note=note, step_due_at=step_due, on_behalf_of=frm)
            return
    if d.status == Status.RECEIVED:
        dactions.perform_locked(d, "start_processing", actor, now=now, on_behalf_of=frm)


def _bring_home(d: Dossier, frm: Agency, *, actor: User, note: str, now: dt.datetime) -> None:
    """Leaving another agency's step: the dossier comes back (0→4); from received, start."""
    if d.status == Status.INTEROPERATING and not _is_home(d, frm.pk):
        dactions.perform_locked(d, "return_interagency", actor, now=now, note=note,
                                on_behalf_of=frm)
    if d.status == Status.RECEIVED:
        dactions.perform_locked(d, "start_processing", actor, now=now, on_behalf_of=frm)


def _agency_for(d: Dossier, step_def: defn.StepDef) -> tuple[Agency, bool]:
    """The step's agency for this dossier; when none matches (an agency missing from the
    organisation), the handling agency, so the dossier is never lost (flagged on the
    timeline)."""
    agency = _mapped_agency(d, step_def) or routing.step_agency(d, step_def.agency)
    if agency is not None:
        return agency, False
    log.warning("dossier %s: no agency for step %s (%s); using the handling agency",
                d.code, step_def.key, step_def.agency)
    return d.handling_agency, True


def _mapped_agency(d: Dossier, step_def: defn.StepDef) -> Agency | None:
    """The deployment's StepAgency rule for a step at a province-level agency kind."""
    if step_def.agency in ("receiving", "competent") or step_def.agency.startswith("code:") \
            or step_def.agency in routing.COMMUNE_KINDS:
        return None
    rules = [
        rule for rule in StepAgency.objects.filter(
            Q(procedure_id=d.procedure_id) | Q(procedure__isnull=True),
            agency__is_active=True,
        ).select_related("agency")
        if rule.matches(step_def.key)
    ]
    return max(rules, key=StepAgency.rank).agency if rules else None


def _step_due(hours: float, now: dt.datetime) -> dt.datetime:
    return get_calendar().add_working_seconds(now, round(hours * 3600))


def _start_step(run: ProcessRun, d: Dossier, step_def: defn.StepDef, agency: Agency, *,
                previous: StepInstance | None, now: dt.datetime, returning: bool = False
                ) -> StepInstance:
    assignee = _who_did(run, step_def, agency) if returning else None
    step = StepInstance.objects.create(
        run=run, dossier=d, key=step_def.key, name=step_def.name[:255], role=step_def.role,
        agency=agency, assignee=assignee, assigned_at=now if assignee else None,
        started_at=now, due_at=_step_due(step_def.hours, now), previous=previous,
        handed_over_by_id=None if _is_home(d, agency.pk) else d.handling_agency_id,
    )
    publish(StepChanged(step))
    return step


def _who_did(run: ProcessRun, step_def: defn.StepDef, agency: Agency) -> User | None:
    """A step returned to goes back to whoever did it last, if they still hold the role."""
    last = (
        run.steps.filter(key=step_def.key, agency=agency, finished_at__isnull=False)
        .exclude(acted_by=None).select_related("acted_by").order_by("-finished_at").first()
    )
    if last is None or last.acted_by is None:
        return None
    return last.acted_by if step_def.role in roles_at(last.acted_by, agency.pk) else None


def _finish(s: StepInstance, action: str, actor: User, note: str, now: dt.datetime) -> None:
    s.finished_at, s.outcome, s.acted_by, s.note = now, action, actor, note
    s.save(update_fields=["finished_at", "outcome", "acted_by", "note"])
    publish(StepChanged(s))


def may_see(user: User, step: StepInstance) -> bool:
    """Whether `user` may see `step` (read now, for a caller outside a step action)."""
    return _sees(user, held_roles(user), step, Dossier.objects.get(pk=step.dossier_id))


def _sees(user: User, held: list[HeldRole], step: StepInstance, dossier: Dossier) -> bool:
    """A role in the step's agency (no query), else the dossier readable."""
    return step.agency_id in {r.agency_id for r in held} or policy.can_read(user, dossier)


def hidden(user: Any, step: StepInstance | int, action: str) -> NotFound:
    """Audit an attempt on a step the user may not see, and answer as for no such step."""
    step_id = step if isinstance(step, int) else step.pk
    log.warning("refused %s on hidden step %s for user %s", action, step_id,
                getattr(user, "pk", None))
    found = StepInstance.objects.filter(pk=step_id).select_related("dossier").first()
    if found is not None:
        record(user, "step.refused", found, attempted=action, step=found.key, hidden=True,
               dossier=found.dossier.code)
    return NotFound(_("No such step."))


def refusal(user: Any, step: StepInstance | int, action: str, message: str) -> NotAllowed:
    """Audit a refused attempt (outside the rolled-back transaction) and build the 403."""
    if not isinstance(step, StepInstance):
        step = StepInstance.objects.get(pk=step)
    log.warning("refused %s on step %s for user %s", action, step.pk, getattr(user, "pk", None))
    record(user, "step.refused", step, attempted=action, step=step.key,
           dossier=Dossier.objects.filter(pk=step.dossier_id).values_list("code", flat=True)
           .first())
    return NotAllowed(message, code="step_not_allowed")


def _display(user: User | None) -> str:
    return (user.full_name or user.username) if user else ""


