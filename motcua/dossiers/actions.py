"""Every change to a dossier: one atomic transaction, the row locked, a timeline event written.

Nothing else writes `Dossier.status`. Callers (API views, the counter, integrations, the demo
loader) check permission with `policy` first and pass `now` only to replay history or in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ComponentRequirement, Procedure, ProcedureVersion, SupplementMode
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.formatting import iso_local
from motcua.dossiers import lifecycle
from motcua.dossiers.codes import allocate_code
from motcua.dossiers.models import (
    FINAL_STATUSES,
    Apology,
    ApplicantKind,
    Channel,
    ClockPause,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    Handover,
    Status,
    SupplementRequest,
)
from motcua.dossiers.routing import competent_agency, find_commune, property_commune_code
from motcua.org.models import AdministrativeUnit, Agency, StaffRole, User
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar


@dataclass(frozen=True)
class Applicant:
    kind: str  # ApplicantKind
    name: str
    id_number: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: str = ""
    representative_name: str = ""


@dataclass(frozen=True)
class ComponentInput:
    name: str = ""
    requirement_id: int | None = None
    copies: int = 1
    is_paper: bool = False


@dataclass(frozen=True)
class Submission:
    procedure_code: str
    receiving_agency: Agency
    applicant: Applicant
    components: list[ComponentInput] = field(default_factory=list)
    form_data: dict[str, Any] = field(default_factory=dict)
    channel: int = Channel.ONLINE


# --- intake -------------------------------------------------------------------------------


def submit(sub: Submission, *, account: User | None, now: dt.datetime | None = None) -> Dossier:
    """A dossier submitted online (or by post): status 1, code allocated, clock not started."""
    now = now or timezone.now()
    with transaction.atomic():
        dossier = _create(sub, account=account, now=now)
        event = _event(dossier, "submit", None, Status.SUBMITTED, account, now)
    # A new dossier has these relations and no others: render it without reading it back.
    dossier._prefetched_objects_cache.update(  # type: ignore[attr-defined]
        events=[event], pauses=[], supplements=[], apology_slips=[], handovers=[])
    return dossier


def intake_at_counter(
    sub: Submission,
    *,
    officer: User,
    decision: str = "receive",
    reason: str = "",
    missing: list[dict[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """An officer receives a dossier on an applicant's behalf at the counter.

    decision "receive" → status 2 and Form 01; "supplement" → Form 02 listing what is missing;
    "refuse" → Form 03 with the reasons. The dossier is recorded in every case.
    """
    now = now or timezone.now()
    if decision not in {"receive", "supplement", "refuse"}:
        raise InvalidInput(_("Unknown intake decision."), code="invalid_decision")
    with transaction.atomic():
        dossier = _create(sub, account=None, now=now)
        _event(dossier, "intake", None, Status.SUBMITTED, officer, now)
        if decision == "receive":
            accept(dossier, actor=officer, now=now)
        elif decision == "supplement":
            request_supplement(dossier, actor=officer, items=missing or [], reason=reason, now=now)
        else:
            refuse(dossier, actor=officer, reason=reason, now=now)
        dossier.refresh_from_db()
    return dossier


def _create(sub: Submission, *, account: User | None, now: dt.datetime) -> Dossier:
    if not sub.receiving_agency.receives_dossiers or not sub.receiving_agency.is_active:
        raise InvalidInput(
            _("%(agency)s does not receive dossiers.") % {"agency": sub.receiving_agency.name},
            code="not_a_receiving_unit",
        )
    local_day = now.astimezone(TZ).date()
    version = ProcedureVersion.objects.in_force_on(local_day).select_related("procedure").filter(
        procedure__code=sub.procedure_code, procedure__is_active=True).first()
    if version is None:
        if not Procedure.objects.filter(code=sub.procedure_code, is_active=True).exists():
            raise InvalidInput(_("Unknown procedure code."), code="unknown_procedure")
        raise InvalidInput(_("The procedure is not in force on this date."), code="not_in_force")
    procedure = version.procedure
    if sub.channel == Channel.ONLINE and version.online_level == "none":
        raise InvalidInput(_("This procedure is not offered online."), code="not_online")
    applicant = _validated_applicant(sub.applicant, version)
    commune = None
    if applicant.commune_code:
        commune = AdministrativeUnit.objects.filter(
            code=applicant.commune_code, level=AdministrativeUnit.Level.COMMUNE
        ).first()
        if commune is None:
            raise InvalidInput(_("Unknown commune code."), code="unknown_commune")
    property_commune = None
    if code := property_commune_code(sub.form_data):
        property_commune = find_commune(code)
        if property_commune is None:
            raise InvalidInput(_("Unknown commune code of the property."),
                               code="unknown_property_commune")
    handling = competent_agency(version, sub.receiving_agency, commune,
                                property_commune=property_commune)
    components = _component_rows(version, sub.components)
    dossier = Dossier.objects.create(
        code=allocate_code(sub.receiving_agency.code, local_day),  # last: holds a row lock
        procedure=procedure,
        procedure_version=version,
        channel=sub.channel,
        status=Status.SUBMITTED,
        receiving_agency=sub.receiving_agency,
        handling_agency=handling,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_tax_code=applicant.tax_code,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        applicant_commune=commune,
        representative_name=applicant.representative_name,
        account=account,
        form_data=sub.form_data,
        submitted_at=now,
    )
    for row in components:
        row.dossier = dossier
    DossierComponent.objects.bulk_create(components)
    for row in components:
        row._prefetched_objects_cache = {"files": []}  # type: ignore[attr-defined]
    dossier._prefetched_objects_cache = {"components": components}  # type: ignore[attr-defined]
    return dossier


def _validated_applicant(applicant: Applicant, version: ProcedureVersion) -> Applicant:
    name = " ".join(applicant.name.split())
    if not name:
        raise InvalidInput(_("The applicant's name is required."), code="applicant_name")
    if applicant.kind == ApplicantKind.PERSON:
        _check_identifier("validate_personal_id", applicant.id_number, "applicant_id_number")
    elif applicant.kind == ApplicantKind.ORGANISATION:
        _check_identifier("validate_tax_code", applicant.tax_code, "applicant_tax_code")
    else:
        raise InvalidInput(_("Unknown applicant kind."), code="applicant_kind")
    if version.applicant_types and applicant.kind not in version.applicant_types:
        raise InvalidInput(
            _("This procedure is not open to this kind of applicant."), code="applicant_kind"
        )
    return Applicant(**{**applicant.__dict__, "name": name})


def _check_identifier(validator: str, value: str, code: str) -> None:
    from django.core.exceptions import ValidationError

    from motcua.org import identifiers

    try:
        getattr(identifiers, validator)(value)
    except DomainError as exc:
        raise InvalidInput(exc.detail, code=code) from exc
    except (ValueError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise InvalidInput(message, code=code) from exc


def _component_rows(
    version: ProcedureVersion, components: list[ComponentInput]
) -> list[DossierComponent]:
    requirements = {r.id: r for r in ComponentRequirement.objects.filter(version=version)}
    rows = []
    for item in components:
        requirement = None
        if item.requirement_id is not None:
            requirement = requirements.get(item.requirement_id)
            if requirement is None:
                raise InvalidInput(
                    _("Component %(id)s is not part of this procedure.")
                    % {"id": item.requirement_id},
                    code="unknown_component",
                )
        name = item.name.strip() or (requirement.name if requirement else "")
        if not name:
            raise InvalidInput(_("Each component needs a name."), code="component_name")
        if not 1 <= item.copies <= 99:
            raise InvalidInput(_("Copies must be between 1 and 99."), code="component_copies")
        rows.append(
            DossierComponent(
                requirement=requirement, name=name, copies=item.copies, is_paper=item.is_paper,
            )
        )
    return rows


# --- receipt ------------------------------------------------------------------------------


def accept(dossier: Dossier, *, actor: User, now: dt.datetime | None = None) -> Dossier:
    """1 → 2: the dossier is complete and valid; the legal clock starts now (Form 01)."""
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, "accept", now)
        d.received_at = now
        _start_clock(d, now)
        d.save()
        event = _event(d, "accept" if d.channel != Channel.COUNTER else "receive", frm,
                       d.status, actor, now, due_at=iso_local(d.due_at))
        _notify(d, "received", event)
        _process_hook("received", d, actor, now)
    return d


def refuse(dossier: Dossier, *, actor: User, reason: str, now: dt.datetime | None = None):
    """1 → 3: ineligible; Form 03 gives the reasons."""
    _require_reason(reason)
    return _simple(dossier, "refuse", actor, now, reason=reason)


def start_processing(dossier: Dossier, *, actor: User, now: dt.datetime | None = None):
    return _simple(dossier, "start_processing", actor, now)


def request_supplement(
    dossier: Dossier,
    *,
    actor: User,
    items: list[dict[str, str]],
    reason: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Form 02: one slip listing everything missing. After receipt the clock stops."""
    now = now or timezone.now()
    cleaned = [
        {"name": str(i.get("name", "")).strip(), "note": str(i.get("note", "")).strip()}
        for i in items
    ]
    if not cleaned or any(not i["name"] for i in cleaned):
        raise InvalidInput(
            _("List every missing or incorrect document, each with a name."), code="items"
        )
    with transaction.atomic():
        d = _locked(dossier)
        before_receipt = d.status == Status.SUBMITTED
        frm = _move(d, "request_supplement", now)
        SupplementRequest.objects.create(
            dossier=d, requested_at=now, requested_by=_user(actor), items=cleaned, reason=reason,
            before_receipt=before_receipt, old_due_at=d.due_at,
        )
        if not before_receipt:
            d.supplements_after_receipt += 1
            _pause(d, "supplement", now)
        d.save()
        event = _event(d, "request_supplement", frm, d.status, actor, now, reason=reason,
                       items=cleaned, before_receipt=before_receipt)
        _notify(d, "supplement", event)
        if not before_receipt:
            _process_hook("paused", d, actor, now)
    return d


def receive_supplement(
    dossier: Dossier, *, actor: User, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    """The applicant completed the dossier: back to 1 if asked before receipt, else the clock
    resumes by the procedure's mode (PAUSE shifts the due time, RESTART counts again)."""
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, "receive_supplement", now)
        request = d.supplements.filter(fulfilled_at__isnull=True).order_by("-requested_at").first()
        restart = False
        if request and request.before_receipt:
            d.status = Status.SUBMITTED
        else:
            restart = d.procedure_version.supplement_mode == SupplementMode.RESTART
            _resume(d, now, restart=restart)
        if request:
            request.fulfilled_at = now
            request.new_due_at = d.due_at
            request.save(update_fields=["fulfilled_at", "new_due_at"])
        d.save()
        _event(d, "receive_supplement", frm, d.status, actor, now, reason=note,
               due_at=iso_local(d.due_at))
        if d.status != Status.SUBMITTED:
            _process_hook("resumed", d, actor, now, restart=restart)
    return d


def request_payment(
    dossier: Dossier, *, actor: User, amount_vnd: int, reason: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    if amount_vnd <= 0:
        raise InvalidInput(_("The amount must be a positive number of VND."), code="amount")
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, "request_payment", now)
        if d.procedure_version.pause_on_payment:
            _pause(d, "payment", now)
        d.save()
        _event(d, "request_payment", frm, d.status, actor, now, reason=reason,
               amount_vnd=amount_vnd)
        _process_hook("paused", d, actor, now)
    return d


def confirm_payment(
    dossier: Dossier, *, actor: User, reference: str = "", now: dt.datetime | None = None
) -> Dossier:
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, "confirm_payment", now)
        if d.paused_at:
            _resume(d, now, restart=False)
        d.save()
        _event(d, "confirm_payment", frm, d.status, actor, now, reference=reference)
        _process_hook("resumed", d, actor, now, restart=False)
    return d


def send_interagency(
    dossier: Dossier, *, actor: User, to_agency: Agency, note: str = "",
    step_due_at: dt.datetime | None = None, now: dt.datetime | None = None,
) -> Dossier:
    """Hand the dossier to another agency for its part (liên thông); recorded for Form 05."""
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        if to_agency.pk == d.handling_agency_id or not to_agency.is_active:
            raise InvalidInput(_("Choose another, active agency."), code="to_agency")
        frm = _move(d, "send_interagency", now)
        Handover.objects.create(
            dossier=d, from_agency=d.handling_agency, to_agency=to_agency, sent_at=now,
            sent_by=_user(actor), step_due_at=step_due_at, note=note,
        )
        d.save()
        _event(d, "send_interagency", frm, d.status, actor, now, reason=note,
               to_agency=to_agency.code, step_due_at=iso_local(step_due_at))
    return d


def return_interagency(
    dossier: Dossier, *, actor: User, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, "return_interagency", now)
        # the event first: the acting agency is found among the open handovers' recipients
        _event(d, "return_interagency", frm, d.status, actor, now, reason=note)
        d.handovers.filter(returned_at__isnull=True).update(returned_at=now)
        d.save()
    return d


def mark_result_ready(dossier: Dossier, *, actor: User, note: str = "",
                      now: dt.datetime | None = None) -> Dossier:
    return _simple(dossier, "mark_result_ready", actor, now, reason=note)


def return_result(dossier: Dossier, *, actor: User, note: str = "",
                  now: dt.datetime | None = None) -> Dossier:
    return _simple(dossier, "return_result", actor, now, reason=note)


def withdraw(dossier: Dossier, *, actor: User, reason: str, now: dt.datetime | None = None):
    """7: withdrawn at the applicant's request."""
    _require_reason(reason)
    return _simple(dossier, "withdraw", actor, now, reason=reason)


def stop(dossier: Dossier, *, actor: User, reason: str, now: dt.datetime | None = None):
    """8: processing stopped, with a notice of stopping giving the reason."""
    _require_reason(reason)
    return _simple(dossier, "stop", actor, now, reason=reason)


def apologize(
    dossier: Dossier, *, actor: User, reason: str, new_appointment: dt.datetime,
    now: dt.datetime | None = None,
) -> Dossier:
    """Form 04: before the due time passes, apologise and give a new appointment.

    The legal due time does not move: the dossier is still judged late if it ends after it.
    """
    _require_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        lifecycle.check_transition("apologize", d.status_enum)
        limit = d.procedure_version.max_apologies
        if d.apologies >= limit:
            raise DomainError(
                _("The apology with a new appointment may be issued at most %(n)d time(s).")
                % {"n": limit},
                code="apology_limit",
            )
        if d.due_at is None or now > d.due_at:
            raise DomainError(
                _("The apology must be issued before the due time passes."), code="apology_late"
            )
        current = d.appointment_at or d.due_at
        if new_appointment <= current:
            raise InvalidInput(
                _("The new appointment must be later than the current one."),
                code="new_appointment",
            )
        Apology.objects.create(
            dossier=d, issued_at=now, issued_by=_user(actor), reason=reason,
            old_due_at=current, new_due_at=new_appointment,
        )
        d.apologies += 1
        d.appointment_at = new_appointment
        d.save()
        event = _event(d, "apologize", d.status_enum, d.status, actor, now, reason=reason,
                       old_appointment=iso_local(current),
                       new_appointment=iso_local(new_appointment))
        _notify(d, "apology", event)
    return d


# --- the machinery ------------------------------------------------------------------------


def _simple(dossier: Dossier, action: str, actor: User, now: dt.datetime | None,
            reason: str = "") -> Dossier:
    now = now or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        frm = _move(d, action, now)
        if d.status in lifecycle.FINISHING and d.paused_at:
            _close_pause(d, now)
        d.save()
        event = _event(d, action, frm, d.status, actor, now, reason=reason)
        if action in NOTIFIED:
            _notify(d, NOTIFIED[action], event)
        if d.status in FINAL_STATUSES and frm != Status.SUBMITTED:
            _process_hook("closed", d, actor, now, action=action)
    return d


NOTIFIED = {"refuse": "refused", "mark_result_ready": "result_ready"}


def _notify(d: Dossier, kind: str, event: DossierEvent) -> None:
    """Tell the applicant once the change is committed (never for a rolled-back change)."""
    if d.applicant_email:
        from motcua.dossiers.tasks import notify_applicant

        transaction.on_commit(lambda: notify_applicant.enqueue(d.pk, kind, event.pk))


def _process_hook(name: str, d: Dossier, actor: User | None, now: dt.datetime,
                  **data: Any) -> None:
    """Tell the dossier's internal process (the processing app) what happened, in the same
    transaction: received → its run starts; paused/resumed → its open steps wait or resume;
    closed → its run ends. Imported lazily: dossiers does not depend on processing."""
    from motcua.processing import engine

    getattr(engine, f"on_{name}")(d, actor=actor, now=now, **data)


def lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked until the end of the caller's transaction."""
    return _locked(dossier)


def timeline_event(d: Dossier, action: str, *, actor: User | None, now: dt.datetime,
                   agency: Agency | None = None, reason: str = "", **data: Any
                   ) -> DossierEvent:
    """A timeline event that does not change the status (process steps, escalations),
    on behalf of `agency` when given."""
    user = _user(actor)
    return DossierEvent.objects.create(
        dossier=d, at=now, actor=user,
        actor_name=(user.full_name or user.username) if user else "",
        agency_id=agency.pk if agency is not None else _acting_agency(d, user),
        action=action, from_status=d.status, to_status=d.status, reason=reason,
        data={k: v for k, v in data.items() if v is not None},
    )


def _locked(dossier: Dossier) -> Dossier:
    # of=("self",): lock the dossier row only. Without it PostgreSQL's FOR UPDATE also locks
    # the joined procedure version row, so every action on any dossier of that version waited
    # for the others to commit (bench/worklist.py: step transitions, "transactionid" waits).
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier.pk)
    )


def _move(d: Dossier, action: str, now: dt.datetime) -> Status:
    """Apply a legal transition in memory; returns the status it came from."""
    frm = d.status_enum
    target = lifecycle.check_transition(action, frm)
    d.status = target
    if target in lifecycle.FINISHING and d.finished_at is None:
        d.finished_at = now  # the index's end time: the first finishing status
    if target == Status.RETURNED:
        d.returned_at = now
    return frm


def _start_clock(d: Dossier, now: dt.datetime) -> None:
    duration = d.procedure_version.duration(online=d.channel == Channel.ONLINE)
    if duration is None:  # the national data does not confirm a duration: no legal clock
        d.counted_from = d.due_at = d.appointment_at = None
        return
    due = get_calendar().due_date(now, duration, cutoff=d.procedure_version.cutoff)
    d.counted_from = due.counted_from
    d.due_at = d.appointment_at = due.due_at


def _pause(d: Dossier, reason: str, now: dt.datetime) -> None:
    if d.paused_at is None:
        d.paused_at = now
        ClockPause.objects.create(dossier=d, reason=reason, started_at=now, due_before=d.due_at)


def _resume(d: Dossier, now: dt.datetime, *, restart: bool) -> None:
    if d.paused_at is None or d.due_at is None:
        d.paused_at = None
        return
    calendar = get_calendar()
    old_due = d.due_at
    if restart:
        duration = d.procedure_version.duration(online=d.channel == Channel.ONLINE)
        assert duration is not None  # due_at is set only when there is a duration
        d.due_at = calendar.restart(now, duration, cutoff=d.procedure_version.cutoff).due_at
    else:
        d.due_at = calendar.shift_for_pause(old_due, d.paused_at, now)
    if d.appointment_at is not None:
        d.appointment_at = max(d.due_at, d.appointment_at + (d.due_at - old_due))
    _close_pause(d, now)


def _close_pause(d: Dossier, now: dt.datetime) -> None:
    d.pauses.filter(ended_at__isnull=True).update(ended_at=now, due_after=d.due_at)
    d.paused_at = None


def _event(d: Dossier, action: str, frm: Status | None, to: int | None, actor: User | None,
           now: dt.datetime, reason: str = "", **data: Any) -> DossierEvent:
    user = _user(actor)
    return DossierEvent.objects.create(
        dossier=d, at=now, actor=user, actor_name=(user.full_name or user.username) if user else "",
        agency_id=_acting_agency(d, user), action=action, from_status=frm, to_status=to,
        reason=reason,
        data={k: v for k, v in data.items() if v is not None},
    )


def _acting_agency(d: Dossier, user: User | None) -> int | None:
    """The agency on whose behalf a staff member acted: where they hold a role on this dossier."""
    if user is None or user.kind != User.Kind.STAFF:
        return None
    candidates = [d.receiving_agency_id, d.handling_agency_id]
    candidates += list(
        d.handovers.filter(returned_at__isnull=True).values_list("to_agency_id", flat=True)
    )
    held = set(
        StaffRole.objects.active().filter(user=user, agency_id__in=candidates)
        .values_list("agency_id", flat=True)
    )
    return next((a for a in candidates if a in held), None)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidInput(_("A reason is required."), code="reason")



def attach_file(
    dossier: Dossier, *, actor: User, upload: Any, component_id: int | None,
    now: dt.datetime | None = None,
) -> DossierFile:
    """Add a checked file to a dossier component (online applicant, or digitization at the
    counter). Files of a finished dossier never change."""
    from motcua.dossiers.uploads import check_upload

    now = now or timezone.now()
    name, content_type, digest = check_upload(upload)
    with transaction.atomic():
        d = _locked(dossier)
        if d.status in lifecycle.FINISHING:
            raise DomainError(_("Files of a finished dossier cannot change."), code="finished")
        component = None
        if component_id is not None:
            component = d.components.filter(pk=component_id).first()
            if component is None:
                raise InvalidInput(_("No such component in this dossier."), code="component")
        stored = DossierFile(
            dossier=d, component=component, original_name=name, content_type=content_type,
            size=upload.size, sha256=digest, uploaded_by=_user(actor),
        )
        stored.file.save(name, upload, save=False)
        try:
            stored.save()
        except Exception:
            stored.file.delete(save=False)  # nothing half-written: no orphan file
            raise
        _event(d, "attach_file", d.status_enum, d.status, actor, now, file=name, sha256=digest,
               component=component_id)
    return stored
