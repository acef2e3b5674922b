"""Who may see and act on a dossier (and its files). The only place these rules live.

- Staff see dossiers received by, routed to, or handed over to an agency where they hold an
  active role, or with a process step (open or past) at such an agency; auditors and
  administrators of a province-level agency see the whole province.
- A dossier that follows an internal process moves through its steps (processing app): the
  dossier-level processing actions (STEP_DRIVEN) are refused for it.
- An applicant sees only dossiers of their own account; an integrating system only those it
  submitted.
Every refusal is written to the audit log.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.dossiers.lifecycle import action_label
from motcua.dossiers.models import Dossier, Handover, Status
from motcua.org.models import AdministrativeUnit, Role, StaffRole, User

log = logging.getLogger(__name__)

RECEIVING, HANDLING, HANDED_TO, APPLICANT = "receiving", "handling", "handed_to", "applicant"
PROCESSORS = (Role.SPECIALIST, Role.HEAD, Role.LEADER)

# action -> who may do it: (which side of the dossier, roles there); APPLICANT = the owner.
ACTION_RULES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "accept": ((RECEIVING, (Role.ONE_STOP_OFFICER,)),),
    "refuse": ((RECEIVING, (Role.ONE_STOP_OFFICER,)),),
    "request_supplement": ((RECEIVING, (Role.ONE_STOP_OFFICER,)), (HANDLING, PROCESSORS)),
    "receive_supplement": ((RECEIVING, (Role.ONE_STOP_OFFICER,)), (APPLICANT, ())),
    "start_processing": ((HANDLING, PROCESSORS),),
    "request_payment": ((HANDLING, PROCESSORS),),
    "confirm_payment": ((RECEIVING, (Role.ONE_STOP_OFFICER,)), (HANDLING, PROCESSORS)),
    "send_interagency": ((HANDLING, PROCESSORS),),
    "return_interagency": ((HANDED_TO, PROCESSORS), (HANDLING, PROCESSORS)),
    "mark_result_ready": ((HANDLING, PROCESSORS),),
    "return_result": ((RECEIVING, (Role.ONE_STOP_OFFICER,)),),
    "withdraw": ((APPLICANT, ()), (RECEIVING, (Role.ONE_STOP_OFFICER,))),
    "stop": ((HANDLING, (Role.HEAD, Role.LEADER)),),
    "apologize": ((HANDLING, PROCESSORS), (RECEIVING, (Role.ONE_STOP_OFFICER,))),
    "attach_file": ((APPLICANT, ()), (RECEIVING, (Role.ONE_STOP_OFFICER,)), (HANDLING, PROCESSORS)),
}
# Done through the steps of the dossier's process when it has one (processing.engine).
STEP_DRIVEN = frozenset({
    "start_processing", "send_interagency", "return_interagency", "mark_result_ready", "stop",
    "request_payment",
})
PROVINCE_WIDE_READERS = (Role.AUDITOR, Role.ADMIN)
APPLICANT_EDITABLE = (Status.SUBMITTED, Status.SUPPLEMENT)


def visible_dossiers(user: User | AnonymousUser) -> QuerySet[Dossier]:
    """Every dossier `user` may read; the base of every list and lookup."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.kind != User.Kind.STAFF:
        return qs.filter(account=user)
    roles = StaffRole.objects.active().filter(user=user)
    agency_ids = list(roles.values_list("agency_id", flat=True))
    provinces = list(
        roles.filter(role__in=PROVINCE_WIDE_READERS, agency__unit__level="province")
        .values_list("agency__unit_id", flat=True)
    )
    from motcua.processing.models import StepInstance

    condition = (
        Q(receiving_agency_id__in=agency_ids)
        | Q(handling_agency_id__in=agency_ids)
        | Q(Exists(Handover.objects.filter(dossier=OuterRef("pk"), to_agency_id__in=agency_ids)))
        | Q(Exists(StepInstance.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)))
    )
    if provinces:
        communes = AdministrativeUnit.objects.filter(parent_id__in=provinces).values("id")
        condition |= Q(receiving_agency__unit_id__in=provinces)
        condition |= Q(receiving_agency__unit_id__in=communes)
    return qs.filter(condition)


def get_visible(user: User | AnonymousUser, code: str) -> Dossier:
    """The dossier with `code` if `user` may read it. Others get the same 404 as a missing
    code, so nobody learns which codes exist."""
    dossier = visible_dossiers(user).filter(code=code).first()
    if dossier is None:
        if Dossier.objects.filter(code=code).exists():
            _refused(user, "read", code)
        raise NotFound(_("No dossier with this code is visible to you."))
    return dossier


def follows_process(dossier: Dossier) -> bool:
    """Whether the dossier runs through an internal process (remembered on the instance)."""
    cached = getattr(dossier, "_follows_process", None)
    if cached is None:
        from motcua.processing.models import ProcessRun

        cached = ProcessRun.objects.filter(dossier_id=dossier.pk).exists()
        dossier._follows_process = cached  # type: ignore[attr-defined]
    return cached


def can_act(user: User, dossier: Dossier, action: str) -> bool:
    if action in STEP_DRIVEN and follows_process(dossier):
        return False
    for side, roles in ACTION_RULES.get(action, ()):
        if side == APPLICANT:
            # applicants change files only while the dossier waits for them
            waiting = action != "attach_file" or dossier.status in APPLICANT_EDITABLE
            if user.kind != User.Kind.STAFF and dossier.account_id == user.pk and waiting:
                return True
            continue
        if user.kind != User.Kind.STAFF:
            continue
        agencies = _agencies_on_side(dossier, side)
        if StaffRole.objects.active().filter(
            user=user, agency_id__in=agencies, role__in=roles
        ).exists():
            return True
    return False


def require_action(user: User, dossier: Dossier, action: str) -> None:
    if action in STEP_DRIVEN and follows_process(dossier):
        raise DomainError(
            _("This dossier follows an internal process: “%(action)s” is done through its "
              "steps (see /api/v1/dossiers/%(code)s/steps).")
            % {"action": action, "code": dossier.code},
            code="use_process_steps",
        )
    if not can_act(user, dossier, action):
        _refused(user, action, dossier.code)
        raise NotAllowed(
            _("You may not %(action)s on this dossier.") % {"action": action_label(action)},
            code="action_not_allowed",
        )


def can_intake(user: User, agency_id: int) -> bool:
    return StaffRole.objects.active().filter(
        user=user, agency_id=agency_id, role=Role.ONE_STOP_OFFICER
    ).exists()


def _agencies_on_side(dossier: Dossier, side: str) -> list[int]:
    if side == RECEIVING:
        return [dossier.receiving_agency_id]
    if side == HANDLING:
        return [dossier.handling_agency_id]
    return list(
        dossier.handovers.filter(returned_at__isnull=True).values_list("to_agency_id", flat=True)
    )


def _refused(user: User | AnonymousUser, action: str, code: str) -> None:
    log.warning("refused %s on dossier %s for user %s", action, code, user.pk)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is not None:
        record(user, "dossier.refused", dossier, attempted=action)
