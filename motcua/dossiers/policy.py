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
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.compiled import Compiled
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


HELD_ROLES = Compiled(  # every dossier request of a staff member: compiled once
    lambda user_id: StaffRole.objects.active().filter(user_id=user_id).values_list(
        "agency_id", "role", "agency__unit_id", "agency__unit__level"), stand_in=-770_077)


def _held(user: User) -> list[tuple[int, str, int, str]]:
    """The staff member's active roles: (agency, role, its unit, the unit's level). Read on
    every check, never kept: a role changed by an administrator counts at once."""
    return HELD_ROLES.rows(user.pk, router.db_for_read(StaffRole))  # type: ignore[return-value]


def _reach(user: User) -> tuple[list[int], list[int]]:
    """A staff member's agencies (active roles) and the provinces they read whole."""
    held = _held(user)
    agency_ids = [agency_id for agency_id, _r, _u, _l in held]
    provinces = [unit_id for _a, role, unit_id, level in held
                 if role in PROVINCE_WIDE_READERS and level == "province"]
    return agency_ids, provinces


def visible_dossiers(user: User | AnonymousUser) -> QuerySet[Dossier]:
    """Every dossier `user` may read; the base of every list. `can_read` is the same rule for
    one dossier already read (test_visibility keeps the two alike)."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.kind != User.Kind.STAFF:
        return qs.filter(account=user)
    agency_ids, provinces = _reach(user)
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


def can_read(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """Whether `dossier` is among visible_dossiers(user): no query beyond the user's roles when
    they work at its receiving or handling agency (the common case)."""
    if not user.is_authenticated:
        return False
    if user.kind != User.Kind.STAFF:
        return dossier.account_id == user.pk
    agency_ids, provinces = _reach(user)
    if dossier.receiving_agency_id in agency_ids or dossier.handling_agency_id in agency_ids:
        return True
    if provinces:
        unit = AdministrativeUnit.objects.filter(agencies=dossier.receiving_agency_id) \
            .values_list("id", "parent_id").first()
        if unit is not None and (unit[0] in provinces or unit[1] in provinces):
            return True
    if not agency_ids:
        return False
    from motcua.processing.models import StepInstance

    return (Handover.objects.filter(dossier_id=dossier.pk, to_agency_id__in=agency_ids).exists()
            or StepInstance.objects.filter(dossier_id=dossier.pk,
                                           agency_id__in=agency_ids).exists())


def get_visible(user: User | AnonymousUser, code: str,
                shape: Callable[[QuerySet[Dossier]], QuerySet[Dossier]] | None = None) -> Dossier:
    """The dossier with `code` if `user` may read it. Others get the same 404 as a missing
    code, so nobody learns which codes exist. `shape` adds what the caller reads with it
    (select_related, prefetch_related), in the same read."""
    found = Dossier.objects.filter(code=code)
    dossier = (shape(found) if shape else found).first()
    if dossier is None or not can_read(user, dossier):
        if dossier is not None:
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
    return action in allowed_actions(user, dossier, [action])


def allowed_actions(user: User, dossier: Dossier, actions: Iterable[str]) -> list[str]:
    """Those of `actions` that `user` may take on `dossier` (in their order), reading the
    user's roles at the dossier's agencies once."""
    actions = list(actions)
    if any(a in STEP_DRIVEN for a in actions) and follows_process(dossier):
        actions = [a for a in actions if a not in STEP_DRIVEN]
    sides = {side for a in actions for side, _roles in ACTION_RULES.get(a, ())} - {APPLICANT}
    roles: dict[str, set[str]] = {side: set() for side in sides}
    if user.kind == User.Kind.STAFF and sides:
        held = _held(user)
        for side in sides:
            ids = _agencies_on_side(dossier, side)
            roles[side] = {role for agency_id, role, _u, _l in held if agency_id in ids}
    return [a for a in actions if _allowed(user, dossier, a, roles)]


def _allowed(user: User, dossier: Dossier, action: str, roles: dict[str, set[str]]) -> bool:
    for side, needed in ACTION_RULES.get(action, ()):
        if side == APPLICANT:
            # applicants change files only while the dossier waits for them
            waiting = action != "attach_file" or dossier.status in APPLICANT_EDITABLE
            if user.kind != User.Kind.STAFF and dossier.account_id == user.pk and waiting:
                return True
        elif roles.get(side, set()) & set(needed):
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
    if "handovers" in getattr(dossier, "_prefetched_objects_cache", {}):  # the detail has them
        return [h.to_agency_id for h in dossier.handovers.all() if h.returned_at is None]
    return list(
        dossier.handovers.filter(returned_at__isnull=True).values_list("to_agency_id", flat=True)
    )


def _refused(user: User | AnonymousUser, action: str, code: str) -> None:
    log.warning("refused %s on dossier %s for user %s", action, code, user.pk)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is not None:
        record(user, "dossier.refused", dossier, attempted=action)
