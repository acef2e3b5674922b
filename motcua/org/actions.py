"""Every change to agencies, staff and roles. Each action is one atomic transaction with an
audit row (motcua.core.audit). Errors are DomainError subclasses with stable codes."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.org.identifiers import InvalidIdentifier, validate_agency_code
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyCodeChange,
    Role,
    StaffRole,
    User,
)

security_log = logging.getLogger("motcua.security")


class InvalidAgencyCode(InvalidInput):
    code = "invalid_agency_code"


class AgencyCodeTaken(DomainError):
    code = "agency_code_taken"


def _checked_code(code: str) -> str:
    code = (code or "").strip()
    try:
        return validate_agency_code(code)
    except InvalidIdentifier as exc:
        raise InvalidAgencyCode(str(exc), code_value=code) from exc


def ensure_code_free(code: str, agency: Agency | None = None) -> None:
    """A code belongs to one agency forever: old codes keep resolving to their agency."""
    holders = Agency.objects.filter(code=code)
    former = AgencyCodeChange.objects.filter(old_code=code)
    if agency is not None:
        holders = holders.exclude(pk=agency.pk)
        former = former.exclude(agency=agency)
    if holders.exists():
        raise AgencyCodeTaken(_("Another agency already has this identifier code."))
    if former.exists():
        raise AgencyCodeTaken(
            _("This identifier code belonged to another agency; codes are never reused.")
        )


def create_agency(
    *,
    code: str,
    name: str,
    kind: str,
    unit: AdministrativeUnit,
    parent: Agency | None = None,
    short_name: str = "",
    actor: User | None = None,
) -> Agency:
    code = _checked_code(code)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("An agency needs a name."), code="agency_name")
    if kind not in Agency.Kind.values:
        raise InvalidInput(_("Unknown kind of agency."), code="agency_kind")
    with transaction.atomic():
        ensure_code_free(code)
        agency = Agency(code=code, name=name, short_name=short_name.strip(), kind=kind,
                        unit=unit, parent=parent)
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError as exc:  # a concurrent creation took the code
            raise AgencyCodeTaken(_("Another agency already has this identifier code.")) from exc
        record(actor, "org.agency_created", agency, code=code, name=name, kind=kind,
               unit=unit.code)
    return agency


def change_agency_code(
    agency: Agency, new_code: str, *, at: dt.datetime, reason: str, actor: User | None
) -> Agency:
    """Give the agency a new identifier code, keeping the old one in its history.

    The old code still resolves to the agency (Agency.objects.by_code).
    """
    new_code = _checked_code(new_code)
    if timezone.is_naive(at):
        raise InvalidInput(_("The time of a code change needs a time zone."), code="naive_time")
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        old_code = locked.code
        if new_code == old_code:
            raise InvalidInput(_("The agency already has this identifier code."),
                               code="same_agency_code")
        ensure_code_free(new_code, agency=locked)
        AgencyCodeChange.objects.create(agency=locked, old_code=old_code, new_code=new_code,
                                        changed_at=at, reason=reason[:255])
        locked.code = new_code
        try:
            with transaction.atomic():
                locked.save(update_fields=["code"])
        except IntegrityError as exc:
            raise AgencyCodeTaken(_("Another agency already has this identifier code.")) from exc
        record(actor, "org.agency_code_changed", locked, old_code=old_code, new_code=new_code,
               changed_at=at.isoformat(), reason=reason)
    agency.code = new_code
    return locked


def deactivate_agency(agency: Agency, *, actor: User | None, reason: str = "") -> Agency:
    """Stop an agency (merged or dissolved). Its roles stop counting; its history stays."""
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        record(actor, "org.agency_deactivated", locked, code=locked.code, reason=reason)
    agency.is_active = False
    return locked


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), code="role")


def grant_role(user: User, agency: Agency, role: str, actor: User | None) -> StaffRole:
    """Give a staff member a role in an agency (idempotent: an active role is left alone)."""
    _check_role(role)
    if user.kind != User.Kind.STAFF:
        raise InvalidInput(_("Only staff accounts can hold roles."), code="not_staff")
    if not agency.is_active:
        raise InvalidInput(_("The agency is no longer active."), code="agency_inactive")
    with transaction.atomic():
        staff_role, created = StaffRole.objects.select_for_update().get_or_create(
            user=user, agency=agency, role=role
        )
        if not created and staff_role.is_active:
            return staff_role
        if not created:
            staff_role.is_active = True
            staff_role.save(update_fields=["is_active"])
        record(actor, "org.role_granted", staff_role, user=user.username,
               agency=agency.code, role=role)
    return staff_role


def revoke_role(user: User, agency: Agency, role: str, actor: User | None) -> StaffRole:
    """Take a role away (kept as an inactive row, so the history of who held it stays)."""
    _check_role(role)
    with transaction.atomic():
        staff_role = (
            StaffRole.objects.select_for_update()
            .filter(user=user, agency=agency, role=role)
            .first()
        )
        if staff_role is None:
            raise NotFound(_("This person does not hold this role in this agency."),
                           code="role_not_found")
        if not staff_role.is_active:
            return staff_role
        staff_role.is_active = False
        staff_role.save(update_fields=["is_active"])
        record(actor, "org.role_revoked", staff_role, user=user.username,
               agency=agency.code, role=role)
    return staff_role


def check_new_account(username: str, password: str, **attributes: Any) -> str:
    """Validate a new account's username and password; return the cleaned username."""
    username = (username or "").strip()
    try:
        User._meta.get_field("username").run_validators(username)
        if not username:
            raise ValidationError(_("A username is required."))
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="username",
                           errors={"username": exc.messages}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is already taken."), code="username_taken")
    try:
        validate_password(password, user=User(username=username, **attributes))
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak_password",
                           errors={"password": exc.messages}) from exc
    return username


def create_staff(
    username: str,
    full_name: str,
    password: str,
    agency: Agency,
    role: str | Iterable[str],
    actor: User | None,
    *,
    email: str = "",
) -> User:
    """Create a staff account with one or more roles in an agency.

    The password must pass the deployment's validators (AUTH_PASSWORD_VALIDATORS).
    """
    roles = [role] if isinstance(role, str) else list(role)
    for item in roles:
        _check_role(item)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise InvalidInput(_("A staff account needs the person's full name."), code="full_name")
    with transaction.atomic():
        username = check_new_account(username, password, full_name=full_name, email=email)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username, email=email, password=password, kind=User.Kind.STAFF,
                    full_name=full_name,
                )
        except IntegrityError as exc:
            raise DomainError(_("This username is already taken."),
                              code="username_taken") from exc
        record(actor, "org.staff_created", user, username=username, full_name=full_name)
        for item in roles:
            grant_role(user, agency, item, actor)
    return user


def create_account(
    username: str,
    full_name: str,
    password: str,
    *,
    kind: str,
    actor: User | None,
    national_id: str = "",
    tax_code: str = "",
) -> User:
    """Create a citizen/business or integrating-system account (no roles)."""
    from motcua.org.identifiers import validate_personal_id, validate_tax_code

    if kind not in (User.Kind.CITIZEN, User.Kind.SYSTEM):
        raise InvalidInput(_("Use create_staff for staff accounts."), code="account_kind")
    try:
        if national_id:
            national_id = validate_personal_id(national_id).number
        if tax_code:
            tax_code = validate_tax_code(tax_code).number
    except InvalidIdentifier as exc:
        raise InvalidInput(str(exc), code=exc.code) from exc
    full_name = " ".join((full_name or "").split())
    with transaction.atomic():
        username = check_new_account(username, password, full_name=full_name)
        user = User.objects.create_user(
            username, password=password, kind=kind, full_name=full_name,
            national_id=national_id, tax_code=tax_code,
        )
        record(actor, "org.account_created", user, username=username, kind=kind)
    return user


def unlock_sign_in(user: User, *, actor: User | None) -> int:
    """Clear the account's failed sign-ins from every address (motcua/org/lockout.py): it may
    sign in again at once from anywhere. The number of address rows cleared."""
    with transaction.atomic():
        cleared: int = AccessAttempt.objects.filter(username=user.username).delete()[0]
        record(actor, "org.sign_in_unlocked", user, username=user.username, cleared=cleared)
    security_log.info("sign-in unlocked: account %r by %r (%d address rows)", user.username,
                      getattr(actor, "username", None), cleared)
    return cleared
