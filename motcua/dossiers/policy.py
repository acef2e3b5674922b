"""Who may see and act on a dossier (and its files). The only place these rules live.

- Staff see dossiers received by, routed to, handed over to, or to be returned at (the
  applicant's choice of one-stop unit) an agency where they hold an active role, or with a
  process step (open or past) at such an agency; auditors and administrators of a
  province-level agency see the whole province.
- A dossier that follows an internal process moves through its steps (processing app): its
  step-driven actions (`lifecycle.Action.step_driven`) are refused on the dossier.
- Who may take an action is in its registry entry (`lifecycle.ACTIONS`, `who`).
- A citizen sees the dossiers of their own account (filed for themselves or as a
  representative) and those filed for them: whose applicant's ID is their account's (its
  personal ID number, or an organisation account's tax code), online by a representative or
  at the counter. An integrating system sees only those it submitted. Acting on a dossier
  stays with the account that filed it (`_allowed`).
Every refusal is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.dossiers import lifecycle
from motcua.dossiers.lifecycle import action_label
from motcua.dossiers.models import ApplicantKind, Dossier, DossierFile, Handover
from motcua.dossiers.returns import return_agency_id
from motcua.org.models import AdministrativeUnit, Agency, Role, User
from motcua.org.selectors import has_role, held_roles

log = logging.getLogger(__name__)

PROVINCE_WIDE_READERS = (Role.AUDITOR, Role.ADMIN)


@dataclass(frozen=True)
class Involvement:
    """How a higher app involves more agencies in a dossier than the three it names (the
    processing app: the agencies of its process steps). Registered in that app's
    `AppConfig.ready` with `involve`; the policy reads them without importing the app."""

    # a condition on Dossier: one of these agencies is involved
    condition: Callable[[list[int]], Q]
    # whether one of these agencies is involved in the dossier with this id
    involves: Callable[[int, list[int]], bool]


_involvements: list[Involvement] = []
_step_drivers: list[Callable[[int], bool]] = []


def involve(involvement: Involvement) -> None:
    if involvement not in _involvements:
        _involvements.append(involvement)


def drive_steps(follows_process: Callable[[int], bool]) -> None:
    """Register how to tell that a dossier (by id) runs through process steps: then its
    step-driven actions are done through the steps, not on the dossier."""
    if follows_process not in _step_drivers:
        _step_drivers.append(follows_process)


def _reach(user: User) -> tuple[list[int], list[int]]:
    """A staff member's agencies (active roles) and the provinces they read whole."""
    held = held_roles(user)
    agency_ids = [r.agency_id for r in held]
    provinces = [r.unit_id for r in held
                 if r.role in PROVINCE_WIDE_READERS and r.unit_level == "province"]
    return agency_ids, provinces


def visible_dossiers(user: User | AnonymousUser) -> QuerySet[Dossier]:
    """Every dossier `user` may read; the base of every list. `can_read` is the same rule for
    one dossier already read (test_visibility keeps the two alike)."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.kind != User.Kind.STAFF:
        return qs.filter(_own(user))
    agency_ids, provinces = _reach(user)
    condition = (
        Q(receiving_agency_id__in=agency_ids)
        | Q(handling_agency_id__in=agency_ids)
        | Q(return_agency_id__in=agency_ids)  # the unit returning the result
        | Q(Exists(Handover.objects.filter(dossier=OuterRef("pk"), to_agency_id__in=agency_ids)))
    )
    for involvement in _involvements:
        condition |= involvement.condition(agency_ids)
    if provinces:
        communes = AdministrativeUnit.objects.filter(parent_id__in=provinces).values("id")
        condition |= Q(receiving_agency__unit_id__in=provinces)
        condition |= Q(receiving_agency__unit_id__in=communes)
    return qs.filter(condition)


def _own(user: User) -> Q:
    """A citizen's or system's dossiers: filed from the account, or filed for the citizen."""
    condition = Q(account=user)
    if user.kind != User.Kind.CITIZEN:
        return condition
    if user.national_id:
        condition |= Q(applicant_kind=ApplicantKind.PERSON, applicant_id_number=user.national_id)
    if user.tax_code:
        condition |= Q(applicant_kind=ApplicantKind.ORGANISATION,
                       applicant_tax_code=user.tax_code)
    return condition


def _is_applicant(user: User, dossier: Dossier) -> bool:
    """`_own`'s second half for one dossier: the citizen is its applicant."""
    if user.kind != User.Kind.CITIZEN:
        return False
    if dossier.applicant_kind == ApplicantKind.PERSON:
        return bool(user.national_id) and dossier.applicant_id_number == user.national_id
    return bool(user.tax_code) and dossier.applicant_tax_code == user.tax_code


def can_read(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """Whether `dossier` is among visible_dossiers(user): no query beyond the user's roles when
    they work at its receiving or handling agency (the common case)."""
    if not user.is_authenticated:
        return False
    if user.kind != User.Kind.STAFF:
        return dossier.account_id == user.pk or _is_applicant(user, dossier)
    agency_ids, provinces = _reach(user)
    if dossier.receiving_agency_id in agency_ids or dossier.handling_agency_id in agency_ids:
        return True
    if dossier.return_agency_id is not None and dossier.return_agency_id in agency_ids:
        return True
    if provinces:
        unit = AdministrativeUnit.objects.filter(agencies=dossier.receiving_agency_id) \
            .values_list("id", "parent_id").first()
        if unit is not None and (unit[0] in provinces or unit[1] in provinces):
            return True
    if not agency_ids:
        return False
    return (Handover.objects.filter(dossier_id=dossier.pk, to_agency_id__in=agency_ids).exists()
            or any(i.involves(dossier.pk, agency_ids) for i in _involvements))


def get_visible(user: User | AnonymousUser, code: str,
                read: Callable[[str], Dossier | None] | None = None) -> Dossier:
    """The dossier with `code` if `user` may read it. Others get the same 404 as a missing
    code, so nobody learns which codes exist. `read`: how the caller reads the dossier by its
    code, with what it shows (selectors.detail_by_code)."""
    dossier = read(code) if read else Dossier.objects.filter(code=code).first()
    if dossier is None or not can_read(user, dossier):
        if dossier is not None:
            _refused(user, "read", code)
        raise NotFound(_("No dossier with this code is visible to you."))
    return dossier


def readable_file(user: User | AnonymousUser, code: str, file_id: int) -> DossierFile:
    """A file of the dossier with `code`: read as the dossier is (`get_visible`), the same 404
    for a file of another dossier. The API's download and the portal's read it here."""
    dossier = get_visible(user, code)
    stored = DossierFile.objects.filter(dossier=dossier, pk=file_id).first()
    if stored is None:
        raise NotFound(_("No such file in this dossier."))
    return stored


def follows_process(dossier: Dossier) -> bool:
    """Whether the dossier runs through an internal process (its steps drive it)."""
    return any(driver(dossier.pk) for driver in _step_drivers)


def can_act(user: User, dossier: Dossier, action: str) -> bool:
    return action in allowed_actions(user, dossier, [action])


def allowed_actions(user: User | AnonymousUser, dossier: Dossier, actions: Iterable[str],
                    *, open_handovers: list[int] | None = None) -> list[str]:
    """Those of `actions` that `user` may take on `dossier` (in their order), reading the
    user's roles once. `open_handovers`: the agencies the dossier is handed over to, when the
    caller has read them already."""
    specs = [lifecycle.action(a) for a in actions]
    if any(a.step_driven for a in specs) and follows_process(dossier):
        specs = [a for a in specs if not a.step_driven]
    return _permitted(user, dossier, specs, open_handovers)


def require_action(user: User, dossier: Dossier, action: str) -> None:
    spec = lifecycle.action(action)
    if spec.step_driven and follows_process(dossier):
        raise DomainError(
            _("This dossier follows an internal process: “%(action)s” is done through its "
              "steps (see /api/v1/dossiers/%(code)s/steps).")
            % {"action": action, "code": dossier.code},
            code="use_process_steps",
        )
    if not _permitted(user, dossier, [spec], None):
        _refused(user, action, dossier.code)
        raise NotAllowed(
            _("You may not %(action)s on this dossier.") % {"action": action_label(action)},
            code="action_not_allowed",
        )


def _permitted(user: User | AnonymousUser, dossier: Dossier, specs: list[lifecycle.Action],
               open_handovers: list[int] | None) -> list[str]:
    sides = {side for a in specs for side, _roles in a.who} - {lifecycle.APPLICANT}
    roles: dict[str, set[str]] = {}
    if user.is_authenticated and user.kind == User.Kind.STAFF and sides:
        held = held_roles(user)
        for side in sides:
            ids = _agencies_on_side(dossier, side, open_handovers)
            roles[side] = {r.role for r in held if r.agency_id in ids}
    return [a.name for a in specs if _allowed(user, dossier, a, roles)]


def _allowed(user: User | AnonymousUser, dossier: Dossier, action: lifecycle.Action,
             roles: dict[str, set[str]]) -> bool:
    for side, needed in action.who:
        if side == lifecycle.APPLICANT:
            # applicants change files only while the dossier waits for them
            waiting = (action.name != "attach_file"
                       or dossier.status in lifecycle.APPLICANT_EDITABLE)
            if (user.is_authenticated and user.kind != User.Kind.STAFF
                    and dossier.account_id == user.pk and waiting):
                return True
        elif roles.get(side, set()) & set(needed):
            return True
    return False


# Who reads a unit's dossier tracking book (Form 07): its one-stop officers and its heads and
# leaders; auditors and administrators of the province as for its dossiers.
BOOK_READERS = (Role.ONE_STOP_OFFICER, Role.HEAD, Role.LEADER)


def can_read_book(user: User | AnonymousUser, agency: Agency) -> bool:
    if not user.is_authenticated or user.kind != User.Kind.STAFF:
        return False
    held = held_roles(user)
    if any(r.agency_id == agency.pk and r.role in BOOK_READERS for r in held):
        return True
    province = agency.unit.parent_id or agency.unit_id
    return any(r.role in PROVINCE_WIDE_READERS and r.unit_level == "province"
               and r.unit_id == province for r in held)


def require_book(user: User | AnonymousUser, agency: Agency) -> None:
    """The unit's book may be read by `user`, or NotAllowed (403, audited)."""
    if not can_read_book(user, agency):
        log.warning("refused book of %s for user %s", agency.code, user.pk)
        record(user, "book.refused", agency)
        raise NotAllowed(
            _("Only the unit's one-stop officers, heads and leaders may read its dossier "
              "tracking book."),
            code="book_not_allowed",
        )


def can_intake(user: User, agency_id: int) -> bool:
    return has_role(user, agency_id, lifecycle.ONE_STOP)


def intake_agencies(user: User | AnonymousUser) -> list[int]:
    """The units where `user` is a one-stop officer: they receive dossiers there (at the
    counter and online) and return results."""
    return [r.agency_id for r in held_roles(user) if r.role in lifecycle.ONE_STOP]


def dispatch_centers(user: User | AnonymousUser) -> list[int]:
    """The receiving centers whose dispatch queue `user` works: its one-stop officers, heads
    and leaders (those the `route` action allows)."""
    return [r.agency_id for r in held_roles(user)
            if r.role in (*lifecycle.ONE_STOP, *lifecycle.LEADS)]


def open_handover_agencies(dossier: Dossier) -> list[int]:
    """The agencies the dossier is handed over to now (open handovers)."""
    return list(
        dossier.handovers.filter(returned_at__isnull=True).values_list("to_agency_id", flat=True)
    )


def _agencies_on_side(dossier: Dossier, side: str,
                      open_handovers: list[int] | None = None) -> list[int]:
    if side == lifecycle.RECEIVING:
        return [dossier.receiving_agency_id]
    if side == lifecycle.HANDLING:
        return [dossier.handling_agency_id]
    if side == lifecycle.RETURNING:  # the one-stop unit the applicant collects the result at
        unit = return_agency_id(dossier)
        return [unit] if unit is not None else []
    return open_handover_agencies(dossier) if open_handovers is None else open_handovers


def _refused(user: User | AnonymousUser, action: str, code: str) -> None:
    log.warning("refused %s on dossier %s for user %s", action, code, user.pk)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is not None:
        record(user, "dossier.refused", dossier, attempted=action)
