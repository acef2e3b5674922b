"""Who may see, file, answer and rate petitions and ratings. The only place these rules live.

- A petition is visible to its petitioner and to the staff of its competent agency (any
  active role there); everyone else gets the same 404 as for a missing petition.
- The competent agency's one-stop officers, heads and leaders answer it (ANSWERERS).
- A citizen files a petition about a dossier they may read (dossiers.policy) or about a
  procedure; staff and integrating systems do not file petitions.
- A citizen who may read a finished dossier rates it (lifecycle.FINISHING); the petitioner
  rates the answer to their petition.
Every refusal is written to the audit log.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.dossiers import lifecycle
from motcua.dossiers import policy as dossier_policy
from motcua.dossiers.models import Dossier
from motcua.org.models import Role, User
from motcua.org.selectors import held_roles, roles_at
from motcua.petitions.models import Petition

log = logging.getLogger(__name__)

ANSWERERS = frozenset({Role.ONE_STOP_OFFICER.value, Role.HEAD.value, Role.LEADER.value})


def _is_citizen(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.kind == User.Kind.CITIZEN)


def staff_agencies(user: User | AnonymousUser) -> list[int]:
    """The agencies whose petitions a staff member reads: where they hold an active role."""
    return sorted({r.agency_id for r in held_roles(user)})


def visible_petitions(user: User | AnonymousUser) -> QuerySet[Petition]:
    """Every petition `user` may read; the base of every list (`can_read` is the same rule
    for one petition)."""
    qs = Petition.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.kind == User.Kind.STAFF:
        return qs.filter(agency_id__in=staff_agencies(user))
    return qs.filter(petitioner=user)


def can_read(user: User | AnonymousUser, petition: Petition) -> bool:
    if not user.is_authenticated:
        return False
    if user.kind == User.Kind.STAFF:
        return bool(roles_at(user, petition.agency_id))
    return petition.petitioner_id == user.pk


def get_visible(user: User | AnonymousUser, pk: int,
                queryset: QuerySet[Petition] | None = None) -> Petition:
    """The petition `pk` if `user` may read it; others get the 404 of a missing one."""
    qs = queryset if queryset is not None else Petition.objects.all()
    petition = qs.filter(pk=pk).first()
    if petition is None or not can_read(user, petition):
        if petition is not None:
            _refused(user, "read", petition)
        raise NotFound(_("No petition with this number is visible to you."))
    return petition


def can_answer(user: User | AnonymousUser, petition: Petition) -> bool:
    return bool(user.is_authenticated and user.kind == User.Kind.STAFF
                and roles_at(user, petition.agency_id) & ANSWERERS)


def require_answer(user: User | AnonymousUser, petition: Petition) -> None:
    if not can_answer(user, petition):
        _refused(user, "answer", petition)
        raise NotAllowed(_("Only the competent agency's one-stop officers, heads and leaders "
                           "answer its petitions."), code="petition_not_allowed")


def is_petitioner(user: User | AnonymousUser, petition: Petition) -> bool:
    return bool(user.is_authenticated and petition.petitioner_id == user.pk)


def require_petitioner(user: User | AnonymousUser, petition: Petition, action: str) -> None:
    if not is_petitioner(user, petition):
        _refused(user, action, petition)
        raise NotAllowed(_("Only the petitioner may do this."), code="petition_not_allowed")


def require_citizen(user: User | AnonymousUser) -> None:
    """Petitions and ratings are the people's: a citizen's account files and rates them."""
    if not _is_citizen(user):
        raise NotAllowed(_("Petitions and ratings are filed from a citizen's account."),
                         code="citizens_only")


def can_petition_about(user: User | AnonymousUser, dossier: Dossier) -> bool:
    return _is_citizen(user) and dossier_policy.can_read(user, dossier)


def can_rate_dossier(user: User | AnonymousUser, dossier: Dossier) -> bool:
    return can_petition_about(user, dossier) and dossier.status in lifecycle.FINISHING


def require_rate_dossier(user: User | AnonymousUser, dossier: Dossier) -> None:
    require_citizen(user)
    if dossier.status not in lifecycle.FINISHING:
        raise DomainError(_("A dossier is rated once it is finished."), code="not_finished")
    if not dossier_policy.can_read(user, dossier):  # the caller read it through the policy
        raise NotFound(_("No dossier with this code is visible to you."))


def _refused(user: User | AnonymousUser, action: str, petition: Petition) -> None:
    log.warning("refused %s on petition %s for user %s", action, petition.pk, user.pk)
    record(user, "petition.refused", petition, attempted=action)
