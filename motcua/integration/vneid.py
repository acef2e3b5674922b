"""Sign-in with the national e-ID (VNeID) over OpenID Connect: Motcua is a relying party,
with mozilla-django-oidc (authorization code flow with state, nonce and PKCE; the ID token's
RS256 signature checked against the provider's published keys).

The provider's addresses come from settings.VNEID_URL (empty: the sandbox's `/idp`), read at
each request so that a test can point them at its own sandbox. A successful sign-in:

- finds the account by the VNeID subject, else the citizen account holding that ID number
  (the e-ID proves it), else makes one;
- keeps the verified ID number and the assurance level on it (integration.EIdAccount); level 2
  counts as e-ID verified (index 4.5b), and filing for oneself must then use that number
  (identity.on_submitted);
- is logged in the exchange log (VNeID gave us that person's data, for signing in).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.integration import exchange_log
from motcua.integration.exchange_log import Direction, Exchange, Outcome
from motcua.integration.http import sandbox_url
from motcua.integration.models import EIdAccount
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id
from motcua.org.models import User

SYSTEM = "vneid"
DATA = "ID number, full name, date of birth, permanent address, tax code, assurance level"
PURPOSE = "Đăng nhập Cổng dịch vụ công bằng tài khoản định danh điện tử VNeID"
UNAVAILABLE_URL = "/dang-nhap/?vneid=unavailable"
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "/authorize/",
    "OIDC_OP_TOKEN_ENDPOINT": "/token/",
    "OIDC_OP_USER_ENDPOINT": "/userinfo/",
    "OIDC_OP_JWKS_ENDPOINT": "/.well-known/jwks.json",
}


def provider_url() -> str:
    return str(settings.VNEID_URL or sandbox_url("/idp")).rstrip("/")


def vneid_settings(attr: str, *args: Any) -> Any:
    if attr in ENDPOINTS:
        return provider_url() + ENDPOINTS[attr]
    return import_from_settings(attr, *args)


class SignInStart(OIDCAuthenticationRequestView):  # type: ignore[misc,no-any-unimported]
    get_settings = staticmethod(vneid_settings)


class SignInCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc,no-any-unimported]
    get_settings = staticmethod(vneid_settings)

    def get(self, request: HttpRequest) -> HttpResponse:
        """As the library's, but VNeID not answering (the code exchange, the keys, the
        claims) sends the person back to the sign-in page, which says so: never a 500."""
        try:
            response: HttpResponse = super().get(request)
        except requests.RequestException:
            return HttpResponseRedirect(UNAVAILABLE_URL)
        return response


def _birth_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class VNeIDBackend(OIDCAuthenticationBackend):  # type: ignore[misc,no-any-unimported]
    get_settings = staticmethod(vneid_settings)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        try:
            validate_personal_id(str(claims.get("id_number", "")))
        except InvalidIdentifier:
            return False
        level = claims.get("assurance_level")
        return bool(claims.get("sub")) and isinstance(level, int) and level in (1, 2)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        by_subject = User.objects.filter(eid__subject=str(claims["sub"]))
        if by_subject.exists():
            return by_subject
        return User.objects.filter(kind=User.Kind.CITIZEN, national_id=claims["id_number"],
                                   eid__isnull=True).order_by("pk")[:1]

    def create_user(self, claims: dict[str, Any]) -> User:
        return sign_in(None, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if user.kind != User.Kind.CITIZEN:
            raise SuspiciousOperation("VNeID signs in citizens' accounts only")
        return sign_in(user, claims)


@transaction.atomic
def sign_in(user: User | None, claims: dict[str, Any]) -> User:
    """The action of a VNeID sign-in: the account (made if new) with its verified identity."""
    id_number = str(claims["id_number"])
    name = str(claims.get("name") or "")[:150]
    if user is None:
        user = User(username=f"vneid-{id_number}", kind=User.Kind.CITIZEN)
        user.set_unusable_password()
    user.full_name = name or user.full_name
    user.national_id = id_number
    user.save()
    EIdAccount.objects.filter(id_number=id_number).exclude(user=user).delete()
    EIdAccount.objects.update_or_create(user=user, defaults={
        "subject": str(claims["sub"])[:255], "id_number": id_number,
        "assurance_level": int(claims["assurance_level"]), "full_name": name,
        "birth_date": _birth_date(claims.get("birthdate")),
        "permanent_address": str(claims.get("permanent_address") or "")[:300],
        "tax_code": str(claims.get("tax_code") or "")[:14], "verified_at": timezone.now()})
    exchange_log.record(Exchange(system=SYSTEM, operation="sign-in", data=DATA, purpose=PURPOSE,
                                 account=user, id_number=id_number,
                                 direction=Direction.INBOUND), Outcome.FOUND)
    return user

