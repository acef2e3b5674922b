"""Every change to a dossier: one atomic transaction, the row locked, one timeline event
written and one domain event published (`dossiers.events`).

Nothing else writes `Dossier.status`. Each action is described once in `lifecycle.ACTIONS`;
`perform(dossier, name, actor, **inputs)` checks its input against that entry and runs its
handler below. Callers (API views, the web pages, integrations, the demo) check permission
with `policy` first and pass `now` only to replay history or in tests. Higher apps react to a
change by subscribing to its domain event (processing starts a run on `DossierReceived`;
notifications deliver the entry's `notice`); this module imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.catalog.models import (
    DEFAULT_CASE,
    ComponentRequirement,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    SupplementMode,
)
from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.events import publish
from motcua.core.formatting import format_dt, iso_local
from motcua.core.text import fold
from motcua.dossiers import books, letters, lifecycle, returns
from motcua.dossiers.codes import allocate_code
from motcua.dossiers.events import (
    DossierChanged,
    DossierClosed,
    DossierReceived,
    DossierResumed,
    DossierRouted,
    DossierSubmitted,
    DossierWaiting,
)
from motcua.dossiers.models import (
    FINAL_STATUSES,
    REPRESENTATION_DOCUMENTS,
    REPRESENTATIONS_OF_ORGANISATIONS,
    Apology,
    ApplicantKind,
    Channel,
    ClockPause,
    ComponentSource,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierRequest,
    Handover,
    PaperForm,
    Representation,
    Status,
    SupplementRequest,
)
from motcua.dossiers.routing import (
    competent_agency,
    find_commune,
    form_commune_code,
    place_field,
    property_commune_code,
    receivable_at,
)
from motcua.dossiers.selectors import DetailRelations
from motcua.dossiers.uploads import check_upload
from motcua.org import identifiers
from motcua.org.models import AdministrativeUnit, Agency, User
from motcua.org.selectors import held_roles
from motcua.workcalendar.rules import TZ, UNIT_WORKING_DAYS, Duration
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
    # Filed by a representative: how they stand for the applicant (models.Representation)
    # and their personal ID number. Online, the representative is the account's holder.
    representative_relationship: str = ""
    representative_id_number: str = ""


@dataclass(frozen=True)
class ComponentInput:
    name: str = ""
    requirement_id: int | None = None
    copies: int = 1
    is_paper: bool = False
    paper_form: str = ""  # models.PaperForm, for a component handed in on paper
    source: str = ComponentSource.UPLOAD  # models.ComponentSource
    reference: str = ""  # for a reused component, or one from a national database
    authorization: bool = False  # the document proving a declared representation


@dataclass(frozen=True)
class Submission:
    procedure_code: str
    receiving_agency: Agency
    applicant: Applicant
    components: list[ComponentInput] = field(default_factory=list)
    form_data: dict[str, Any] = field(default_factory=dict)
    channel: int = Channel.ONLINE
    result_return: returns.ResultReturn | None = None  # None: at the receiving unit


# --- dispatch -----------------------------------------------------------------------------

Handler = Callable[..., Dossier]
# The agency a caller of perform_locked acts for, read by timeline_event (contextvar: the
# handlers' signatures stay the action's own inputs).
_ON_BEHALF_OF: ContextVar[Agency | None] = ContextVar("on_behalf_of", default=None)
HANDLERS: dict[str, Handler] = {}


def _handles(name: str) -> Callable[[Handler], Handler]:
    lifecycle.action(name)  # a handler for an action the registry does not know fails here

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler
    return register


def perform(dossier: Dossier, name: str, actor: User | None, *,
            now: dt.datetime | None = None, **inputs: Any) -> Dossier:
    """Take action `name` (lifecycle.ACTIONS) on `dossier`: one transaction, the row locked.
    Returns the dossier as it is after the change."""
    with transaction.atomic():
        return perform_locked(lock(dossier), name, actor, now=now, **inputs)


def perform_locked(d: Dossier, name: str, actor: User | None, *,
                   now: dt.datetime | None = None, on_behalf_of: Agency | None = None,
                   **inputs: Any) -> Dossier:
    """`perform` on a dossier the caller has locked (`lock`) in its open transaction: a
    process step changes the dossier, its step and its run under one lock, read once.
    `on_behalf_of`: the agency the actor acts for (a step's), written on the timeline instead
    of the one found from the actor's roles."""
    spec = lifecycle.action(name)
    for item in spec.inputs:  # the other name is read when the input's own is blank
        if item.also and item.also in inputs:
            also = inputs.pop(item.also)
            if _blank(inputs.get(item.name)):
                inputs[item.name] = also
    unknown = set(inputs) - spec.accepted
    if unknown:
        raise TypeError(f"{name} takes no input {', '.join(sorted(unknown))}")
    for item in spec.inputs:
        if item.required and _blank(inputs.get(item.name)):
            raise _missing(item.name)
    token = _ON_BEHALF_OF.set(on_behalf_of)
    try:
        return HANDLERS[name](d, actor=actor, now=now or timezone.now(), **inputs)
    finally:
        _ON_BEHALF_OF.reset(token)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value) or (
        isinstance(value, str) and not value.strip())


def _missing(name: str) -> InvalidInput:
    if name == "reason":
        return InvalidInput(_("A reason is required."), code="reason")
    if name == "items":
        return InvalidInput(_("List every missing or incorrect document, each with a name."),
                            code="items")
    codes = {"amount_vnd": "amount", "upload": "file"}
    return InvalidInput(_("%(field)s is required.") % {"field": name},
                        code=codes.get(name, name))


# The procedure, the applicant's commune and the dossier's own agencies come in the lock's own
# read: process branches and routing look at them (a query each otherwise).
LOCK_RELATED = ("procedure_version", "procedure", "applicant_commune", "handling_agency",
                "receiving_agency")


def lock_query(pk: Any) -> QuerySet[Dossier]:
    """The dossier row `pk` names, to be read and locked until the end of the transaction.
    `pk`: its id, or an expression of a higher app (a step's dossier) in the same statement."""
    # of=("self",): lock the dossier row only. Without it PostgreSQL's FOR UPDATE also locks
    # the joined procedure version row, so every action on any dossier of that version waited
    # for the others to commit (bench/worklist.py: step transitions, "transactionid" waits).
    return Dossier.objects.select_for_update(of=("self",)).filter(pk=pk)


def compiled_lock(pk_of: Callable[[Any], Any], stand_in: Any) -> CompiledModel[Dossier]:
    """`lock` compiled once per process (core.compiled), the dossier named by `pk_of(value)`:
    every action locks a dossier, and compiling this wide read cost five times running it."""
    return CompiledModel(lambda value: lock_query(pk_of(value)), stand_in,
                         related=LOCK_RELATED)


_LOCK_BY_ID = compiled_lock(lambda pk: pk, stand_in=ID_STAND_IN)


def lock(dossier: Dossier | int) -> Dossier:
    """The dossier row, read and locked until the end of the caller's transaction."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    return _LOCK_BY_ID.get(pk, router.db_for_write(Dossier))


# --- intake -------------------------------------------------------------------------------


def submit(sub: Submission, *, account: User | None, now: dt.datetime | None = None) -> Dossier:
    """A dossier submitted online (or by post): status 1, code allocated, clock not started."""
    return submit_described(sub, account=account, now=now)[0]


def submit_described(sub: Submission, *, account: User | None, now: dt.datetime | None = None
                     ) -> tuple[Dossier, DetailRelations]:
    """`submit`, with what the dossier's detail shows: a new dossier has its components and
    one event, so the 201 answer is built without reading them back (bench/intake.py)."""
    now = now or timezone.now()
    with transaction.atomic():
        dossier, components = _create(sub, account=account, now=now)
        event = _changed(dossier, "submit", None, actor=account, now=now,
                         event_type=DossierSubmitted)
    return dossier, DetailRelations(components=[(c, []) for c in components], events=[event])


def intake_at_counter(
    sub: Submission,
    *,
    officer: User,
    decision: str = "receive",
    reason: str = "",
    missing: list[dict[str, str]] | None = None,
    now: dt.datetime | None = None,
    duration_case: str = "",
    duration_reason: str = "",
) -> Dossier:
    """An officer receives a dossier on an applicant's behalf at the counter.

    decision "receive" → status 2 and Form 01; "supplement" → Form 02 listing what is missing;
    "refuse" → Form 03 with the reasons. The dossier is recorded in every case.
    `duration_case`/`duration_reason`: as for "accept", with "receive" only.
    """
    now = now or timezone.now()
    if decision not in {"receive", "supplement", "refuse"}:
        raise InvalidInput(_("Unknown intake decision."), code="invalid_decision")
    if decision != "receive" and (duration_case or duration_reason):
        raise InvalidInput(_("A duration case is chosen only when the dossier is received."),
                           code="duration_case")
    with transaction.atomic():
        dossier, _components = _create(sub, account=None, now=now)
        _changed(dossier, "intake", None, actor=officer, now=now, event_type=DossierSubmitted)
        # created in this transaction: no other one sees the row, so it is as good as locked
        if decision == "receive":
            perform_locked(dossier, "accept", officer, now=now, duration_case=duration_case,
                           duration_reason=duration_reason)
        elif decision == "supplement":
            perform_locked(dossier, "request_supplement", officer, now=now,
                           items=missing or [], reason=reason)
        else:
            perform_locked(dossier, "refuse", officer, now=now, reason=reason)
    return dossier


def _create(sub: Submission, *, account: User | None, now: dt.datetime
            ) -> tuple[Dossier, list[DossierComponent]]:
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
    applicant = _validated_applicant(_filed_by(sub.applicant, account), version)
    result_return = returns.validated(sub.result_return, sub.receiving_agency, applicant.address)
    commune = None
    if applicant.commune_code:
        commune = AdministrativeUnit.objects.filter(
            code=applicant.commune_code, level=AdministrativeUnit.Level.COMMUNE
        ).first()
        if commune is None:
            raise InvalidInput(_("Unknown commune code."), code="unknown_commune")
    if (code := property_commune_code(sub.form_data)) and find_commune(code) is None:
        raise InvalidInput(_("Unknown commune code of the property."),
                           code="unknown_property_commune")
    place = None
    if code := form_commune_code(sub.form_data, place_field(version.competence_basis)):
        place = find_commune(code)
        if place is None:
            raise InvalidInput(_("Unknown commune code in %(field)s.")
                               % {"field": place_field(version.competence_basis)},
                               code="unknown_place_commune")
    routing = competent_agency(version, sub.receiving_agency, commune, place=place)
    if routing.agency is not None and not receivable_at(version, sub.receiving_agency, routing):
        raise InvalidInput(
            _("%(receiving)s cannot receive this dossier: the procedure is not on the "
              "province's list of procedures received regardless of administrative boundary. "
              "It is filed with %(competent)s or a one-stop unit of its area.")
            % {"receiving": sub.receiving_agency.name, "competent": routing.agency.name},
            code="outside_boundary")
    # Online, the applicant declares every required component (the counter checks the papers
    # by hand, as does the officer who receives a dossier sent by post).
    components = _component_rows(version, sub.components,
                                 complete=sub.channel == Channel.ONLINE,
                                 representation=applicant.representative_relationship)
    form_data = _with_eforms(sub.form_data, components, today=local_day)
    dossier = Dossier.objects.create(
        code=allocate_code(sub.receiving_agency.code, local_day),  # last: holds a row lock
        procedure=procedure,
        procedure_version=version,
        channel=sub.channel,
        status=Status.SUBMITTED,
        receiving_agency=sub.receiving_agency,
        # waiting in the dispatch queue: held by the receiving center until a person routes it
        handling_agency=routing.agency or sub.receiving_agency,
        dispatch_reason=routing.why if routing.agency is None else "",
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_name_folded=fold(applicant.name),
        applicant_id_number=applicant.id_number,
        applicant_tax_code=applicant.tax_code,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        applicant_commune=commune,
        representative_name=applicant.representative_name,
        representative_relationship=applicant.representative_relationship,
        representative_id_number=applicant.representative_id_number,
        return_method=result_return.method,
        return_agency=result_return.agency,
        return_address=result_return.address,
        account=account,
        form_data=form_data,
        submitted_at=now,
    )
    for row in components:
        row.dossier = dossier
    DossierComponent.objects.bulk_create(components)
    return dossier, components


def _validated_applicant(applicant: Applicant, version: ProcedureVersion) -> Applicant:
    name = " ".join(applicant.name.split())
    if not name:
        raise InvalidInput(_("The applicant's name is required."), code="applicant_name")
    if applicant.kind == ApplicantKind.PERSON:
        _check_identifier("validate_personal_id", applicant.id_number, "applicant_id_number")
        if applicant.tax_code:  # a person's own tax code: the same rule as an organisation's
            _check_identifier("validate_tax_code", applicant.tax_code, "applicant_tax_code")
    elif applicant.kind == ApplicantKind.ORGANISATION:
        _check_identifier("validate_tax_code", applicant.tax_code, "applicant_tax_code")
    else:
        raise InvalidInput(_("Unknown applicant kind."), code="applicant_kind")
    if version.applicant_types and applicant.kind not in version.applicant_types:
        raise InvalidInput(
            _("This procedure is not open to this kind of applicant."), code="applicant_kind"
        )
    return Applicant(**{**applicant.__dict__, "name": name})


def _filed_by(applicant: Applicant, account: User | None) -> Applicant:
    """Who files the dossier, and for whom (issue 9: a citizen filed under someone else's name
    and ID number). A signed-in citizen files either for themselves (no representation): the
    applicant's ID is the account's (its personal ID number, or an organisation account's tax
    code), filled in when left out and refused when another; or as a representative: they
    declare how they stand for the applicant (models.Representation) and are the account's
    holder, with its name and ID number. The document proving the representation is then a
    required component (`_component_rows`). At the counter (no account) the officer enters
    anyone, and an integrating system files for the applicants it identified itself: their
    identifiers are checked as any applicant's."""
    relationship = applicant.representative_relationship
    if relationship and relationship not in Representation.values:
        raise InvalidInput(_("Unknown relationship of the representative."),
                           code="representative_relationship")
    if (relationship and applicant.kind == ApplicantKind.ORGANISATION
            and relationship not in REPRESENTATIONS_OF_ORGANISATIONS):
        raise InvalidInput(
            _("An organisation is represented by its legal representative or an authorized "
              "person."), code="representative_relationship")
    rep_id = applicant.representative_id_number.strip()
    if rep_id:
        _check_identifier("validate_personal_id", rep_id, "representative_id_number")
    rep_name = " ".join(applicant.representative_name.split())
    if account is None or account.kind != User.Kind.CITIZEN:
        if relationship and not rep_name:
            raise _unnamed_representative()
        return replace(applicant, representative_name=rep_name, representative_id_number=rep_id)
    if not relationship:
        if rep_name or rep_id:
            raise InvalidInput(
                _("A representative is named: declare how they stand for the applicant "
                  "(representative_relationship)."), code="representative_relationship")
        return _own_filing(applicant, account)
    own_id = account.national_id
    if rep_id and rep_id != own_id:
        raise InvalidInput(
            _("Filing as a representative, you are the representative: the representative's "
              "personal ID number is your account's."), code="representative_id_number")
    holder = " ".join(account.full_name.split())
    if rep_name and holder and rep_name.casefold() != holder.casefold():
        raise InvalidInput(
            _("Filing as a representative, you are the representative: the representative's "
              "name is your account's (%(name)s).") % {"name": holder},
            code="representative_name")
    if applicant.kind == ApplicantKind.PERSON and own_id and applicant.id_number == own_id:
        raise InvalidInput(
            _("The applicant's personal ID number is your own: file for yourself, without a "
              "representative."), code="representative_relationship")
    if not (holder or rep_name):
        raise _unnamed_representative()
    return replace(applicant, representative_name=holder or rep_name,
                   representative_id_number=own_id)


def _unnamed_representative() -> InvalidInput:
    return InvalidInput(_("The representative's name is required."),
                        code="representative_name")


def _own_filing(applicant: Applicant, account: User) -> Applicant:
    """A citizen filing for themselves: the applicant's ID is the account's."""
    someone_else = _("To file for someone else, declare how you represent them "
                     "(representative_relationship) and attach the document that proves it.")
    if applicant.kind == ApplicantKind.ORGANISATION:
        if not account.tax_code or applicant.tax_code not in ("", account.tax_code):
            raise InvalidInput(
                _("This account is not the organisation's: its tax code is not the "
                  "applicant's.") + " " + someone_else, code="applicant_tax_code")
        return replace(applicant, tax_code=account.tax_code)
    if not account.national_id:
        raise InvalidInput(
            _("Your account has no verified personal ID number, so it cannot file for you as "
              "a person.") + " " + someone_else, code="applicant_id_number")
    if applicant.id_number and applicant.id_number != account.national_id:
        raise InvalidInput(
            _("Filing for yourself, the applicant's personal ID number must be your account's "
              "verified one.") + " " + someone_else, code="applicant_id_number")
    return replace(applicant, id_number=account.national_id)


def _check_identifier(validator: str, value: str, code: str) -> None:
    try:
        getattr(identifiers, validator)(value)
    except DomainError as exc:
        raise InvalidInput(exc.detail, code=code) from exc
    except (ValueError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise InvalidInput(message, code=code) from exc


def _component_rows(
    version: ProcedureVersion, components: list[ComponentInput], *, complete: bool,
    representation: str = "",
) -> list[DossierComponent]:
    """The dossier's component rows from what was declared. `complete`: every component the
    procedure requires (required, without a condition only the applicant can judge) must be
    among them, uploaded, reused or taken from a national database, and, for a dossier filed
    by a representative (`representation`), the document proving it (marked `authorization`);
    otherwise MissingComponents listing every one that is missing (before anything is
    written)."""
    requirements = {r.id: r for r in ComponentRequirement.objects.filter(version=version)}
    proof = REPRESENTATION_DOCUMENTS.get(representation)
    rows = []
    for item in components:
        if item.authorization and proof is None:
            raise InvalidInput(
                _("A component proves a representation only when the dossier is filed by a "
                  "representative (representative_relationship)."),
                code="component_authorization")
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
        if not name and item.authorization and proof is not None:
            with translation.override(settings.LANGUAGE_CODE):  # a name kept on the record
                name = str(proof)
        if not name:
            raise InvalidInput(_("Each component needs a name."), code="component_name")
        if not 1 <= item.copies <= 99:
            raise InvalidInput(_("Copies must be between 1 and 99."), code="component_copies")
        if item.paper_form and (item.paper_form not in PaperForm.values or not item.is_paper):
            raise InvalidInput(
                _("Original or copy is said only of a component handed in on paper "
                  "(is_paper), as “original” or “copy”."), code="component_paper_form")
        if item.source not in ComponentSource.values:
            raise InvalidInput(_("Unknown component source."), code="component_source")
        if item.source == ComponentSource.EFORM and (
                requirement is None or eforms.of(requirement.eform_schema) is None
                or item.is_paper):
            raise InvalidInput(
                _("“%(name)s” has no e-form to fill in online: upload it, reuse it or take it "
                  "from a national database.") % {"name": name}, code="component_source")
        if complete and item.is_paper and version.online_level == OnlineLevel.FULL:
            # a paper component would be exempt from the files rule (lifecycle.awaits_file)
            raise InvalidInput(
                _("“%(name)s”: this procedure is fully online, so no component is handed in "
                  "on paper; upload it, reuse it or take it from a national database.")
                % {"name": name}, code="component_paper")
        reference = item.reference.strip()
        if reference and item.source in (ComponentSource.UPLOAD, ComponentSource.EFORM):
            raise InvalidInput(
                _("A reference is given only for a component that is reused or taken from a "
                  "national database."), code="component_reference")
        rows.append(
            DossierComponent(
                requirement=requirement, name=name, copies=item.copies, is_paper=item.is_paper,
                paper_form=item.paper_form,
                source=item.source, reference=reference, is_authorization=item.authorization,
                required=item.authorization or (requirement is not None and requirement.required),
            )
        )
    if complete:
        declared = {row.requirement_id for row in rows}
        missing: list[tuple[int | None, str]] = [
            (r.id, r.name) for r in sorted(requirements.values(), key=lambda r: r.position)
            if r.required and not r.condition.strip() and r.id not in declared]
        if proof is not None and not any(row.is_authorization for row in rows):
            missing.append((None, str(proof)))
        if missing:
            raise MissingComponents(missing)
    return rows


def _with_eforms(form_data: dict[str, Any], rows: list[DossierComponent], *,
                 today: dt.date) -> dict[str, Any]:
    """`form_data` with the values of every e-form the dossier declares filled in
    (ComponentSource.EFORM) checked against it and stored as the e-form keeps them (catalog.
    eforms: dates in ISO, numbers as numbers); InvalidInput `form_data` with the errors by
    field otherwise. Keys of no e-form are kept as given."""
    data = dict(form_data)
    errors: dict[str, str] = {}
    for row in rows:
        if row.source != ComponentSource.EFORM or row.requirement is None:
            continue
        form = eforms.of(row.requirement.eform_schema)
        if form is None:
            continue
        values, problems = eforms.clean(form, form_data, today=today,
                                        commune_exists=lambda code: find_commune(code)
                                        is not None)
        for item in form.fields:
            data.pop(item.name, None)
        data.update(values)
        errors.update(problems)
    if errors:
        raise InvalidInput(
            _("The e-form is not filled in correctly: %(errors)s")
            % {"errors": " ".join(errors.values())}, code="form_data", errors=errors)
    return data


class MissingComponents(InvalidInput):
    """An online submission without every required component: all of them listed."""

    code = "missing_components"

    def __init__(self, missing: list[tuple[int | None, str]]) -> None:
        super().__init__(
            _("The dossier lacks required components: %(names)s. Declare each one with its "
              "source: a file you upload, a document reused from an earlier dossier or your "
              "data store, or one taken from a national database.")
            % {"names": "; ".join(f"“{name}”" for _id, name in missing)},
            missing=[{"requirement_id": rid, "name": name} for rid, name in missing],
        )


# --- receipt and processing ---------------------------------------------------------------


@_handles("accept")
def _accept(d: Dossier, *, actor: User | None, now: dt.datetime, duration_case: str = "",
            duration_reason: str = "") -> Dossier:
    """1 → 2: the dossier is complete and valid; the legal clock starts now (Form 01), with
    the duration of its case (`_choose_duration`). Online, only once every required component
    declared as uploaded has its file (`_check_files_arrived`)."""
    _check_files_arrived(d)
    _choose_duration(d, duration_case, duration_reason)
    frm = _move(d, "accept", now)
    d.received_at = now
    _start_clock(d, now)
    books.enter(d, now)  # Form 07: its row in the receiving unit's tracking book
    d.save()
    _changed(d, "accept" if d.channel != Channel.COUNTER else "receive", frm, actor=actor,
             now=now, event_type=DossierReceived, spec="accept", due_at=iso_local(d.due_at),
             duration_case=d.duration_case or None, duration_label=d.duration_case_label or None,
             duration_value=d.duration_value, duration_unit=d.duration_unit or None,
             duration_reason=d.duration_reason or None)
    return d


def _check_files_arrived(d: Dossier) -> None:
    """FilesAwaited when a component of the online dossier `d` still waits for its file
    (lifecycle.awaits_file): it would reach the officer, and Form 01 would list it as handed
    in, with nothing to read. Nothing is written before this check."""
    if d.channel != Channel.ONLINE:
        return
    rows = d.components.filter(required=True, source=ComponentSource.UPLOAD, is_paper=False) \
        .annotate(has_file=Exists(DossierFile.objects.filter(component_id=OuterRef("pk"))))
    waiting = [c for c in rows if lifecycle.awaits_file(d, c, c.has_file)]
    if waiting:
        raise FilesAwaited(waiting)


class FilesAwaited(DomainError):
    """An online dossier whose declared uploads have not all arrived: all of them listed, and
    what the officer may do instead (lifecycle.INSTEAD_OF_ACCEPT)."""

    code = "files_awaited"

    def __init__(self, waiting: Sequence[DossierComponent]) -> None:
        super().__init__(
            _("The dossier cannot be received yet: no file has arrived for %(names)s, which "
              "the applicant declared as uploaded. Wait until the applicant uploads them, ask "
              "for them before receipt (request a supplement, Form 02), or refuse the dossier "
              "(Form 03).")
            % {"names": "; ".join(f"“{c.name}”" for c in waiting)},
            missing=[{"component_id": c.pk, "requirement_id": c.requirement_id,
                      "name": c.name} for c in waiting],
            instead=list(lifecycle.INSTEAD_OF_ACCEPT),
        )


def _choose_duration(d: Dossier, key: str, reason: str) -> None:
    """Record on `d` the legal duration that applies: the case the officer names (`key`, or
    "default" for the procedure's own duration), else the first case whose rule holds on the
    dossier's data, else the procedure's own duration. Naming another case than the data
    selects needs a reason. Nothing is written here; bad input raises before any change."""
    version = d.procedure_version
    key, reason = (key or "").strip(), (reason or "").strip()
    automatic = version.case_for(d.form_data or {})
    chosen = automatic
    if not key and reason:
        raise InvalidInput(_("A reason for the duration was given without a duration case."),
                           code="duration_case")
    if key:
        chosen = None if key == DEFAULT_CASE else version.case(key)
        if chosen is None and key != DEFAULT_CASE:
            keys = [DEFAULT_CASE, *(c.key for c in version.cases())]
            raise InvalidInput(
                _("“%(case)s” is not a duration case of this procedure (its cases: "
                  "%(cases)s).") % {"case": key, "cases": ", ".join(keys)},
                code="unknown_duration_case",
            )
        if key != (automatic.key if automatic else DEFAULT_CASE) and not reason:
            raise InvalidInput(_("Give the reason for choosing this duration case."),
                               code="duration_reason")
    online = d.channel == Channel.ONLINE
    duration = chosen.duration(online=online) if chosen else version.duration(online=online)
    d.duration_case = chosen.key if chosen else (DEFAULT_CASE if key else "")
    d.duration_case_label = chosen.label_vi if chosen else ""
    d.duration_value = duration.value if duration else None
    d.duration_unit = duration.unit if duration else ""
    d.duration_reason = reason if key else ""


@_handles("refuse")
def _refuse(d: Dossier, *, actor: User | None, now: dt.datetime, reason: str) -> Dossier:
    """1 → 3: ineligible; Form 03 gives the reasons."""
    return _simple(d, "refuse", actor, now, reason=reason)


@_handles("start_processing")
def _start_processing(d: Dossier, *, actor: User | None, now: dt.datetime) -> Dossier:
    return _simple(d, "start_processing", actor, now)


@_handles("request_supplement")
def _request_supplement(d: Dossier, *, actor: User | None, now: dt.datetime,
                        items: list[dict[str, str]], reason: str = "") -> Dossier:
    """Form 02: one slip listing everything missing. After receipt the clock stops."""
    cleaned = [
        {"name": str(i.get("name", "")).strip(), "note": str(i.get("note", "")).strip()}
        for i in items
    ]
    if not cleaned or any(not i["name"] for i in cleaned):
        raise _missing("items")
    before_receipt = d.status == Status.SUBMITTED
    frm = _move(d, "request_supplement", now)
    # The law allows one request listing everything: another one after receipt needs a stated
    # reason, and the index counts the dossier as late (DOMAIN.md §4).
    second = not before_receipt and d.supplements_after_receipt >= 1
    if second and not reason.strip():
        raise InvalidInput(
            _("This dossier was already asked for a supplement after receipt: a second request "
              "needs a stated reason."), code="second_supplement_reason")
    if second:
        d.counted_late = True
    SupplementRequest.objects.create(
        dossier=d, requested_at=now, requested_by=_user(actor), items=cleaned, reason=reason,
        before_receipt=before_receipt, old_due_at=d.due_at,
    )
    if not before_receipt:
        d.supplements_after_receipt += 1
        _pause(d, "supplement", now)
    d.save()
    _changed(d, "request_supplement", frm, actor=actor, now=now,
             event_type=DossierChanged if before_receipt else DossierWaiting, reason=reason,
             items=cleaned, before_receipt=before_receipt, second_request=second or None)
    return d


@_handles("receive_supplement")
def _receive_supplement(d: Dossier, *, actor: User | None, now: dt.datetime,
                        note: str = "") -> Dossier:
    """The applicant completed the dossier: back to 1 if asked before receipt, else the clock
    resumes by the procedure's mode (PAUSE shifts the due time, RESTART counts again)."""
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
    if d.status == Status.SUBMITTED:
        _changed(d, "receive_supplement", frm, actor=actor, now=now, reason=note,
                 due_at=iso_local(d.due_at))
    else:
        _changed(d, "receive_supplement", frm, actor=actor, now=now, event_type=DossierResumed,
                 restart=restart, reason=note, due_at=iso_local(d.due_at))
    return d


@_handles("request_payment")
def _request_payment(d: Dossier, *, actor: User | None, now: dt.datetime, amount_vnd: int,
                     reason: str = "") -> Dossier:
    if not isinstance(amount_vnd, int) or isinstance(amount_vnd, bool) or amount_vnd <= 0:
        raise InvalidInput(_("The amount must be a positive number of VND."), code="amount")
    frm = _move(d, "request_payment", now)
    if d.procedure_version.pause_on_payment:
        _pause(d, "payment", now)
    d.save()
    _changed(d, "request_payment", frm, actor=actor, now=now, event_type=DossierWaiting,
             reason=reason, amount_vnd=amount_vnd)
    return d


@_handles("confirm_payment")
def _confirm_payment(d: Dossier, *, actor: User | None, now: dt.datetime,
                     reference: str = "") -> Dossier:
    frm = _move(d, "confirm_payment", now)
    if d.paused_at:
        _resume(d, now, restart=False)
    d.save()
    _changed(d, "confirm_payment", frm, actor=actor, now=now, event_type=DossierResumed,
             restart=False, reference=reference)
    return d


@_handles("send_interagency")
def _send_interagency(d: Dossier, *, actor: User | None, now: dt.datetime,
                      to_agency: Agency | str, note: str = "",
                      step_due_at: dt.datetime | None = None) -> Dossier:
    """Hand the dossier to another agency for its part (liên thông); recorded for the control
    sheet. `to_agency`: the agency or its code."""
    to_agency = _agency(to_agency)
    if to_agency.pk == d.handling_agency_id:
        raise InvalidInput(_("Choose another, active agency."), code="to_agency")
    if step_due_at is not None:
        _check_window(step_due_at, "step_due_at", _("The due time of the other agency's part"),
                      earliest=now, latest=officer_date_limit(d, now))
    frm = _move(d, "send_interagency", now)
    Handover.objects.create(
        dossier=d, from_agency_id=d.handling_agency_id, to_agency=to_agency, sent_at=now,
        sent_by=_user(actor), step_due_at=step_due_at, note=note,
    )
    d.save()
    _changed(d, "send_interagency", frm, actor=actor, now=now, reason=note,
             to_agency=to_agency.code, step_due_at=iso_local(step_due_at))
    return d


@_handles("route")
def _route(d: Dossier, *, actor: User | None, now: dt.datetime, to_agency: Agency | str,
           reason: str) -> Dossier:
    """A person routes a dossier from the receiving center's dispatch queue to the competent
    agency, with the reason kept on the timeline."""
    if not d.dispatch_reason:
        raise DomainError(_("This dossier is not waiting to be routed."), code="not_in_dispatch")
    agency = _agency(to_agency)
    frm = _move(d, "route", now)
    why, d.dispatch_reason, d.handling_agency = d.dispatch_reason, "", agency
    d.save()
    _changed(d, "route", frm, actor=actor, now=now, event_type=DossierRouted, reason=reason,
             to_agency=agency.code, queue_reason=why)
    return d


def _agency(value: Agency | str) -> Agency:
    """An active agency given as itself or by its code."""
    found = Agency.objects.filter(code=value).first() if isinstance(value, str) else value
    if found is None or not found.is_active:
        raise InvalidInput(_("Unknown or inactive agency code."), code="to_agency")
    return found


@_handles("return_interagency")
def _return_interagency(d: Dossier, *, actor: User | None, now: dt.datetime,
                        note: str = "") -> Dossier:
    frm = _move(d, "return_interagency", now)
    # the event first: the acting agency is found among the open handovers' recipients
    _changed(d, "return_interagency", frm, actor=actor, now=now, reason=note)
    d.handovers.filter(returned_at__isnull=True).update(returned_at=now)
    d.save()
    return d


@_handles("mark_result_ready")
def _mark_result_ready(d: Dossier, *, actor: User | None, now: dt.datetime,
                       note: str = "") -> Dossier:
    d.outcome = "result"
    return _simple(d, "mark_result_ready", actor, now, reason=note)


@_handles("refuse_on_merits")
def _refuse_on_merits(d: Dossier, *, actor: User | None, now: dt.datetime,
                      reason: str) -> Dossier:
    """After appraisal, the dossier ends with a reasoned refusal to resolve it (Form 03): the
    refusal is its result, returned to the applicant like one. Not a stop."""
    d.outcome = "refusal"
    return _simple(d, "refuse_on_merits", actor, now, reason=reason)


@_handles("return_result")
def _return_result(d: Dossier, *, actor: User | None, now: dt.datetime,
                   note: str = "") -> Dossier:
    return _simple(d, "return_result", actor, now, reason=note)


@_handles("withdraw")
def _withdraw(d: Dossier, *, actor: User | None, now: dt.datetime, reason: str) -> Dossier:
    """1 → 7: withdrawn at the applicant's word before any agency received it."""
    return _simple(d, "withdraw", actor, now, reason=reason)


@_handles("request_withdrawal")
def _request_withdrawal(d: Dossier, *, actor: User | None, now: dt.datetime,
                        reason: str) -> Dossier:
    """The applicant asks to withdraw a received dossier; the competent agency decides."""
    return _request(d, "request_withdrawal", DossierRequest.Kind.WITHDRAWAL, actor, now, reason)


@_handles("grant_withdrawal")
def _grant_withdrawal(d: Dossier, *, actor: User | None, now: dt.datetime,
                      note: str = "") -> Dossier:
    """→ 7: the competent agency grants the applicant's request to withdraw."""
    request = _decide(d, DossierRequest.Kind.WITHDRAWAL, actor, now, granted=True, reason=note)
    return _simple(d, "grant_withdrawal", actor, now, reason=note or request.reason)


@_handles("request_stop")
def _request_stop(d: Dossier, *, actor: User | None, now: dt.datetime, reason: str) -> Dossier:
    """The applicant asks to stop, or the handling agency's staff record a legal ground for
    stopping; the competent agency's head or leader decides."""
    return _request(d, "request_stop", DossierRequest.Kind.STOP, actor, now, reason)


@_handles("stop")
def _stop(d: Dossier, *, actor: User | None, now: dt.datetime, reason: str) -> Dossier:
    """→ 8: processing stopped on the recorded request or ground, with the notice of stopping
    (Form 05, an official letter) giving the reason."""
    _decide(d, DossierRequest.Kind.STOP, actor, now, granted=True, reason=reason)
    return letters.issued(_simple(d, "stop", actor, now, reason=reason), letters.STOP, now)


@_handles("decline_request")
def _decline_request(d: Dossier, *, actor: User | None, now: dt.datetime, kind: str,
                     reason: str) -> Dossier:
    """The competent agency refuses a request to withdraw or to stop, with its reason."""
    if kind not in DossierRequest.Kind.values:
        raise InvalidInput(_("Unknown kind of request."), code="kind")
    frm = _move(d, "decline_request", now)
    _decide(d, kind, actor, now, granted=False, reason=reason)
    _changed(d, "decline_request", frm, actor=actor, now=now, reason=reason, kind=kind)
    return d


def _request(d: Dossier, action: str, kind: str, actor: User | None, now: dt.datetime,
             reason: str) -> Dossier:
    frm = _move(d, action, now)
    if d.requests.filter(kind=kind, decided_at__isnull=True).exists():
        raise DomainError(_("A request of this kind already waits for a decision."),
                          code="request_open")
    # a withdrawal is always the applicant's wish; a stop asked by staff is a legal ground
    by_applicant = kind == DossierRequest.Kind.WITHDRAWAL or (
        actor is None or actor.kind != User.Kind.STAFF)
    DossierRequest.objects.create(dossier=d, kind=kind, requested_at=now,
                                  requested_by=_user(actor), by_applicant=by_applicant,
                                  reason=reason)
    _changed(d, action, frm, actor=actor, now=now, reason=reason, by_applicant=by_applicant)
    return d


def _decide(d: Dossier, kind: str, actor: User | None, now: dt.datetime, *, granted: bool,
            reason: str) -> DossierRequest:
    request = d.requests.filter(kind=kind, decided_at__isnull=True).first()
    if request is None:
        raise DomainError(
            _("There is no request or legal ground to decide on: record it first."),
            code="no_request")
    request.decided_at, request.decided_by, request.granted = now, _user(actor), granted
    request.decision_reason = reason
    request.save(update_fields=["decided_at", "decided_by", "granted", "decision_reason"])
    return request


@_handles("apologize")
def _apologize(d: Dossier, *, actor: User | None, now: dt.datetime, reason: str,
               new_appointment: dt.datetime) -> Dossier:
    """Form 04: before the due time passes, apologise and give a new appointment.

    The legal due time does not move: the dossier is still judged late if it ends after it.
    """
    frm = _move(d, "apologize", now)
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
    _check_window(new_appointment, "new_appointment", _("The new appointment"),
                  earliest=current, latest=officer_date_limit(d, current))
    Apology.objects.create(
        dossier=d, issued_at=now, issued_by=_user(actor), reason=reason,
        old_due_at=current, new_due_at=new_appointment,
    )
    letters.issue(d, letters.APOLOGY, now)  # Form 04: its number, signer and date
    d.apologies += 1
    d.appointment_at = new_appointment
    d.save()
    _changed(d, "apologize", frm, actor=actor, now=now, reason=reason,
             old_appointment=iso_local(current), new_appointment=iso_local(new_appointment))
    return d


@_handles("attach_file")
def _attach_file(d: Dossier, *, actor: User | None, now: dt.datetime, upload: Any,
                 component_id: int | None = None) -> Dossier:
    """Add a checked file to a dossier component (online applicant, or digitization at the
    counter). Files of a finished dossier never change."""
    if d.status in lifecycle.FINISHING:
        raise DomainError(_("Files of a finished dossier cannot change."), code="finished")
    frm = _move(d, "attach_file", now)
    name, content_type, digest = check_upload(upload)
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
    _changed(d, "attach_file", frm, actor=actor, now=now, file=name, sha256=digest,
             component=component_id)
    return d


# --- the machinery ------------------------------------------------------------------------


def officer_date_limit(d: Dossier, start: dt.datetime) -> dt.datetime:
    """The latest time an officer may set on `d` counting from `start` (a new appointment,
    the due time of a part handed over): the longest of the dossier's legal duration (as
    applied at receipt, and the procedure's own, which bounds its process steps) counted again
    from `start` and OFFICER_DATE_WINDOW_WORKING_DAYS working days (settings.py)."""
    calendar = get_calendar()
    version = d.procedure_version
    durations = [Duration(settings.OFFICER_DATE_WINDOW_WORKING_DAYS, UNIT_WORKING_DAYS),
                 legal_duration(d), version.duration(online=d.channel == Channel.ONLINE)]
    return max(calendar.due_date(start, duration, cutoff=version.cutoff).due_at
               for duration in durations if duration is not None)


def _check_window(value: dt.datetime, field_name: str, what: str, *, earliest: dt.datetime,
                  latest: dt.datetime) -> None:
    """A date an officer entered lies after `earliest` and no later than `latest`, or a 400
    naming the field and the window (nothing is written before this check)."""
    if earliest < value <= latest:
        return
    raise InvalidInput(
        _("%(what)s (%(field)s) must be after %(earliest)s and no later than %(latest)s; "
          "%(value)s is outside that window.")
        % {"what": what, "field": field_name, "earliest": format_dt(earliest),
           "latest": format_dt(latest), "value": format_dt(value)},
        code=field_name, field=field_name, earliest=iso_local(earliest),
        latest=iso_local(latest),
    )


def _simple(d: Dossier, action: str, actor: User | None, now: dt.datetime,
            reason: str = "") -> Dossier:
    frm = _move(d, action, now)
    if d.status in lifecycle.FINISHING and d.paused_at:
        _close_pause(d, now)
    d.save()
    closed = d.status in FINAL_STATUSES and frm != Status.SUBMITTED
    _changed(d, action, frm, actor=actor, now=now,
             event_type=DossierClosed if closed else DossierChanged, reason=reason)
    return d


def _changed(d: Dossier, action: str, frm: Status | None, *, actor: User | None,
             now: dt.datetime, event_type: type[DossierChanged] = DossierChanged, spec: str = "",
             restart: bool | None = None, reason: str = "", **data: Any) -> DossierEvent:
    """The end of every action: its timeline event, then its domain event (with the notice
    of its registry entry `spec`, by default the action's own)."""
    event = timeline_event(d, action, actor=actor, now=now, reason=reason, from_status=frm,
                           **data)
    entry = lifecycle.ACTIONS.get(spec or action)
    notice = entry.notice if entry is not None else ""
    extra = {"restart": restart} if restart is not None else {}
    publish(event_type(dossier=d, action=spec or action, actor=_user(actor), at=now, timeline=event,
                 notice=notice, **extra))
    return event


_SAME: Any = object()


def timeline_event(d: Dossier, action: str, *, actor: User | None, now: dt.datetime,
                   agency: Agency | None = None, reason: str = "",
                   from_status: Status | int | None = _SAME, **data: Any) -> DossierEvent:
    """The one writer of the dossier's timeline. Without `from_status` the event does not
    change the status (process steps, escalations). On behalf of `agency` when given, else
    of the agency where the staff member acts on this dossier."""
    user = _user(actor)
    return DossierEvent.objects.create(
        dossier=d, at=now, actor=user,
        actor_name=(user.full_name or user.username) if user else "",
        agency_id=agency.pk if agency is not None else (
            behalf.pk if (behalf := _ON_BEHALF_OF.get()) is not None
            else _acting_agency(d, user)),
        action=action, from_status=d.status if from_status is _SAME else from_status,
        to_status=d.status, reason=reason,
        data={k: v for k, v in data.items() if v is not None},
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


def legal_duration(d: Dossier) -> Duration | None:
    """The duration recorded at receipt; the procedure's for a dossier received before it
    was recorded."""
    if d.duration_value and d.duration_unit:
        return Duration(d.duration_value, d.duration_unit)
    return d.procedure_version.duration(online=d.channel == Channel.ONLINE)


def _start_clock(d: Dossier, now: dt.datetime) -> None:
    duration = legal_duration(d)
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
    duration = legal_duration(d)
    assert duration is not None  # due_at is set only when there is a duration
    if restart:
        d.due_at = calendar.restart(now, duration, cutoff=d.procedure_version.cutoff).due_at
    else:  # a calendar-day duration moves by whole days (rules.shift_for_pause)
        d.due_at = calendar.shift_for_pause(old_due, d.paused_at, now, unit=duration.unit)
    if d.appointment_at is not None:
        d.appointment_at = max(d.due_at, d.appointment_at + (d.due_at - old_due))
    _close_pause(d, now)


def _close_pause(d: Dossier, now: dt.datetime) -> None:
    d.pauses.filter(ended_at__isnull=True).update(ended_at=now, due_after=d.due_at)
    d.paused_at = None


def _acting_agency(d: Dossier, user: User | None) -> int | None:
    """The agency on whose behalf a staff member acted: where they hold a role on this dossier
    (its receiving, handling, result-returning unit, then an agency it is handed over to)."""
    if user is None or user.kind != User.Kind.STAFF:
        return None
    held = {r.agency_id for r in held_roles(user)}
    for agency_id in (d.receiving_agency_id, d.handling_agency_id, returns.return_agency_id(d)):
        if agency_id in held:
            return agency_id
    handed_to = d.handovers.filter(returned_at__isnull=True, to_agency_id__in=held) \
        .values_list("to_agency_id", flat=True).first()
    return handed_to


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "pk", None) else None
