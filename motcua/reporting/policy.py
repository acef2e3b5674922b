"""Who may read the index. The only place these rules live.

- An integrating system (a government reporting system) or a staff member holding the explicit
  permission `reporting.view_index` (given in the admin), the province's auditors and
  administrators (as for its dossiers), and the heads and leaders of the provincial People's
  Committee and its office read every scope and the ranking.
- The head or leader of any other agency reads that agency's index; of a commune's agency,
  also the commune's and those of its other agencies. They read the ranking of units too
  (the national portal publishes it).
- Nobody else: citizens and businesses, one-stop officers and specialists (403).
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import NotAllowed
from motcua.org.models import HEADS, AdministrativeUnit, Agency, Role, User
from motcua.org.selectors import held_roles
from motcua.reporting.selectors import AGENCY, COMMUNE, Scope

log = logging.getLogger(__name__)

PERMISSION = "reporting.view_index"
PROVINCE_WIDE_READERS = (Role.AUDITOR, Role.ADMIN)
PROVINCE_LEADERSHIP = (Agency.Kind.PROVINCE_PC, Agency.Kind.PC_OFFICE)


def _reader(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and isinstance(user, User)
                and user.is_active and user.kind in (User.Kind.STAFF, User.Kind.SYSTEM))


def reads_everything(user: User | Any) -> bool:
    """The roles first (read on every staff request anyway), the permission last."""
    if not _reader(user):
        return False
    if user.kind == User.Kind.STAFF:
        held = held_roles(user)
        if any(r.role in PROVINCE_WIDE_READERS
               and r.unit_level == AdministrativeUnit.Level.PROVINCE for r in held):
            return True
        leading = [r.agency_id for r in held if r.role in HEADS]
        if leading and Agency.objects.filter(pk__in=leading,
                                             kind__in=PROVINCE_LEADERSHIP).exists():
            return True
    return bool(user.has_perm(PERMISSION))


def can_read(user: User | Any, scope: Scope) -> bool:
    if reads_everything(user):
        return True
    if not _reader(user) or user.kind != User.Kind.STAFF:
        return False
    leading = [r for r in held_roles(user) if r.role in HEADS]
    if scope.kind == AGENCY and scope.agency_ids is not None:
        if any(r.agency_id in scope.agency_ids for r in leading):
            return True
        return any(r.unit_level == AdministrativeUnit.Level.COMMUNE
                   and scope.unit_id == r.unit_id for r in leading)
    if scope.kind == COMMUNE:
        return any(r.unit_id == scope.unit_id for r in leading)
    return False


def can_rank(user: User | Any) -> bool:
    if reads_everything(user):
        return True
    return (_reader(user) and user.kind == User.Kind.STAFF
            and any(r.role in HEADS for r in held_roles(user)))


def require_read(user: User | Any, scope: Scope) -> None:
    if not can_read(user, scope):
        log.warning("refused the index of %s %s to user %s", scope.kind, scope.code,
                    getattr(user, "pk", None))
        raise NotAllowed(_("Only the unit's heads and leaders, the province's leaders and "
                           "auditors, and authorized reporting systems may read this index."),
                         code="index_not_allowed")


def require_rank(user: User | Any) -> None:
    if not can_rank(user):
        log.warning("refused the ranking to user %s", getattr(user, "pk", None))
        raise NotAllowed(_("Only heads and leaders, the province's auditors and authorized "
                           "reporting systems may read the ranking."),
                         code="index_not_allowed")
