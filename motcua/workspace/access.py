"""Who may open the staff workspace: a staff account holding at least one active role
(org.StaffRole). What each person may then read or do on a dossier is the domain policy's
answer (dossiers.policy, processing.permissions), asked by each page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from motcua.core.request_cache import once_per_request
from motcua.org.authentication import signed_in
from motcua.org.models import HEADS, Role, StaffRole, User

View = Callable[..., HttpResponseBase]  # a page, or a file streamed
# The roles whose holders have process steps to do: the worklist is their start page.
PROCESSING = frozenset({Role.SPECIALIST, Role.HEAD, Role.LEADER})
STEP_HOLDERS = PROCESSING | {Role.ONE_STOP_OFFICER}


def held_roles(user: User) -> list[StaffRole]:
    """The person's active roles with their agencies, each agency's commune and whether it
    certifies copies (the menu asks), read once per request."""
    return once_per_request(("workspace_roles", user.pk), lambda: list(
        StaffRole.objects.active().filter(user=user)
        .select_related("agency__unit__certification_service")
        .order_by("agency__name", "role")))


def headed_agencies(user: User) -> list[StaffRole]:
    """The roles by which the person heads or leads an agency (one per agency)."""
    by_agency = {r.agency_id: r for r in held_roles(user) if r.role in HEADS}
    return sorted(by_agency.values(), key=lambda r: r.agency.name)


def holds(user: User, roles: Iterable[str]) -> bool:
    """Whether the person holds one of `roles` somewhere (what a page of that work needs
    first; which dossiers they then see or act on is the policy's answer)."""
    wanted = set(roles)
    return any(r.role in wanted for r in held_roles(user))


def is_staff_member(user: Any) -> bool:
    return bool(user.is_authenticated and user.kind == User.Kind.STAFF and held_roles(user))


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member of a page behind `staff_required`, typed as such."""
    return signed_in(request)


def staff_required(view: View) -> View:
    """Sign-in first (the sign-in page comes back here); a signed-in person who holds no staff
    role is refused with the 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_staff_member(request.user):
            raise PermissionDenied(_("The staff workspace is for officers of the province."))
        return view(request, *args, **kwargs)

    return wrapped
