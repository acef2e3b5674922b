"""Reads about agencies, units and roles, for views and for the dossier policy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import router
from django.db.models import Q, QuerySet

from motcua.core.compiled import ID_STAND_IN, Compiled
from motcua.core.request_cache import once_per_request
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency, StaffRole, User


def _roles(roles: str | Iterable[str] | None) -> list[str] | None:
    if roles is None:
        return None
    return [roles] if isinstance(roles, str) else list(roles)


def _is_live_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False) and getattr(user, "pk", None))


def agencies_of(user: User | Any, role: str | Iterable[str] | None = None) -> QuerySet[Agency]:
    """Active agencies in which the user holds an active role (of the given role(s), if any)."""
    if not _is_live_user(user):
        return Agency.objects.none()
    roles = StaffRole.objects.active().filter(user=user)
    wanted = _roles(role)
    if wanted is not None:
        roles = roles.filter(role__in=wanted)
    return Agency.objects.filter(is_active=True, pk__in=roles.values("agency_id"))


def has_role(user: User | Any, agency: Agency | int, roles: str | Iterable[str]) -> bool:
    """Whether the user holds one of `roles`, active, in this active agency."""
    if not _is_live_user(user):
        return False
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    return StaffRole.objects.active().filter(
        user=user, agency_id=agency_id, role__in=_roles(roles) or []
    ).exists()


def active_roles(user: User) -> QuerySet[StaffRole]:
    """The user's active roles with their agencies, for profiles and tokens."""
    return (
        StaffRole.objects.active()
        .filter(user=user)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def agency_by_code(code: str) -> Agency | None:
    """The agency holding `code` now or formerly (old code → the agency now holding it)."""
    try:
        return Agency.objects.by_code(code)
    except Agency.DoesNotExist:
        return None


def search_units(*, level: str | None = None, parent: str | None = None,
                 q: str | None = None) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.select_related("parent").order_by("code")
    if level:
        units = units.filter(level=level)
    if parent:
        units = units.filter(parent__code=parent)
    if q:
        folded = fold(q)
        units = units.filter(Q(name_folded__contains=folded) | Q(code=q.strip()))
    return units


def search_agencies(*, unit: str | None = None, province: str | None = None,
                    kind: str | None = None, q: str | None = None,
                    include_inactive: bool = False) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("unit", "parent").order_by("code")
    if not include_inactive:
        agencies = agencies.filter(is_active=True)
    if unit:
        agencies = agencies.filter(unit__code=unit)
    if province:
        agencies = agencies.filter(Q(unit__code=province) | Q(unit__parent__code=province))
    if kind:
        agencies = agencies.filter(kind=kind)
    if q:
        folded = fold(q)
        agencies = agencies.filter(Q(name_folded__contains=folded) | Q(code=q.strip()))
    return agencies


class HeldRole(NamedTuple):
    agency_id: int
    role: str
    unit_id: int  # the agency's administrative unit
    unit_level: str


_HELD_ROLES = Compiled(  # read on every staff request: compiled once per process
    lambda user_id: StaffRole.objects.active().filter(user_id=user_id).values_list(
        "agency_id", "role", "agency__unit_id", "agency__unit__level"), stand_in=ID_STAND_IN)


def held_roles(user: User | Any) -> list[HeldRole]:
    """The staff member's active roles, the one way every check reads them. Read once per
    request (a page asks several checks) and never kept longer: a role an administrator
    changes counts from the next request, and at once in the request that changes it
    (models.StaffRole's save and delete empty the request's cache)."""
    if not _is_live_user(user) or getattr(user, "kind", None) != User.Kind.STAFF:
        return []
    rows = once_per_request(("held_roles", user.pk), lambda: tuple(
        HeldRole(*row) for row in _HELD_ROLES.rows(user.pk, router.db_for_read(StaffRole))))
    return list(rows)


def roles_at(user: User | Any, agency_id: int) -> frozenset[str]:
    """The user's active roles in one agency."""
    return roles_in(held_roles(user), agency_id)


def roles_in(held: list[HeldRole], agency_id: int) -> frozenset[str]:
    """Of roles already read (`held_roles`), those in one agency."""
    return frozenset(r.role for r in held if r.agency_id == agency_id)


def staff_of(agency_id: int, roles: Iterable[str] | None = None) -> list[StaffRole]:
    """The active roles held in one agency (of `roles`, if given), with their holders, by
    name: whom a head may assign work to."""
    held = StaffRole.objects.active().filter(agency_id=agency_id, user__is_active=True)
    if roles is not None:
        held = held.filter(role__in=list(roles))
    return list(held.select_related("user").order_by("user__full_name", "user__username",
                                                     "role"))
