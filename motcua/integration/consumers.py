"""Consumer systems of the data-sharing API: their credentials, their scopes and their reach.

Credentials are OAuth 2.0 client credentials (RFC 6749 §4.4) kept by django-oauth-toolkit:
a consumer asks /api/v1/sharing/token for an access token with its client id and secret, then
calls the API with the token. The toolkit stores the secret as a password hash and, with
COMPLIANT_BCP_RFC9700_TOKEN_STORAGE, each token as its SHA-256 checksum only, so neither can
be read back from the database; the secret is shown once, when it is issued.

- `create_consumer`, `issue_credentials`, `revoke_credentials`: the use cases (admin, the
  `create_consumer` command, the demo), each one transaction with an audit row.
- `ConsumerScopes`, `ConsumerValidator`: the toolkit's hooks. A token is granted only the
  scopes its consumer holds, and only while the consumer is active; an inactive consumer's
  tokens stop working at once.
- `active_consumer`, `granted`, `find_dossier`: what the API checks on every call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from motcua.core.audit import record
from motcua.dossiers.models import Dossier
from motcua.integration.models import ConsumerSystem, Scope
from motcua.org.models import Agency, User

SCOPES = {s.value: str(s.label) for s in Scope}
SECRET_BYTES = 32  # 256 bits, URL-safe: 43 characters


@dataclass(frozen=True)
class Credentials:
    """What a consumer needs to ask for tokens; the secret exists only here, once."""

    client_id: str
    client_secret: str


def _scope_string(scopes: Iterable[str]) -> str:
    wanted = set(scopes)
    unknown = wanted - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    return " ".join(s for s in SCOPES if s in wanted)  # in the order of Scope


def create_consumer(*, code: str, name: str, agency_name: str, scopes: Iterable[str],
                    rate_limit_per_minute: int = 60, contact_name: str = "",
                    contact_email: str = "", contact_phone: str = "",
                    agencies: Iterable[Agency] = (), actor: User | None = None
                    ) -> tuple[ConsumerSystem, Credentials]:
    """A new consumer system with its first credentials (validated like the admin's form)."""
    with transaction.atomic():
        consumer = ConsumerSystem(
            code=code, name=name, agency_name=agency_name, scopes=_scope_string(scopes),
            rate_limit_per_minute=rate_limit_per_minute, contact_name=contact_name,
            contact_email=contact_email, contact_phone=contact_phone)
        consumer.full_clean()
        consumer.save()
        consumer.agencies.set(list(agencies))
        record(actor, "sharing.consumer.create", consumer, code=code, scopes=consumer.scopes)
        return consumer, issue_credentials(consumer, actor=actor)


def issue_credentials(consumer: ConsumerSystem, *, actor: User | None = None,
                      now: dt.datetime | None = None, client_id: str | None = None,
                      client_secret: str | None = None) -> Credentials:
    """New credentials for the consumer: a new client id and secret (random; given ones only
    for the demo's published credentials). The old ones, and every token issued with them,
    stop working in the same transaction."""
    secret = client_secret or secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        locked = ConsumerSystem.objects.select_for_update().get(pk=consumer.pk)
        old = locked.application
        if old is not None:
            old.delete()  # its tokens go with it (ForeignKey, CASCADE)
        application = Application.objects.create(
            **({"client_id": client_id} if client_id else {}),
            name=f"sharing:{locked.code}"[:255], client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret, hash_client_secret=True, skip_authorization=True)
        locked.application = application
        locked.credentials_issued_at = now or timezone.now()
        locked.save(update_fields=["application", "credentials_issued_at"])
        record(actor, "sharing.credentials.issue", locked, client_id=application.client_id,
               replaced=old.client_id if old is not None else "")
    consumer.refresh_from_db()
    return Credentials(application.client_id, secret)


def revoke_credentials(consumer: ConsumerSystem, *, actor: User | None = None) -> bool:
    """Delete the consumer's client and every token issued to it: from the commit, its calls
    are refused (401). False if it had none."""
    with transaction.atomic():
        locked = ConsumerSystem.objects.select_for_update().get(pk=consumer.pk)
        old = locked.application
        if old is None:
            return False
        locked.application = None
        locked.save(update_fields=["application"])
        old.delete()
        record(actor, "sharing.credentials.revoke", locked, client_id=old.client_id)
    consumer.refresh_from_db()
    return True


def revoke_tokens(consumer: ConsumerSystem) -> int:
    """Delete the consumer's access tokens (its scopes changed: the next token carries the new
    ones). The client credentials stay."""
    if consumer.application_id is None:
        return 0
    deleted: int = AccessToken.objects.filter(application_id=consumer.application_id).delete()[0]
    return deleted


def prune_expired_tokens(now: dt.datetime) -> int:
    """Housekeeping: delete the access tokens that expired before `now` (a consumer asks for a
    new one; client credentials issue no refresh token), in batches."""
    removed = 0
    while True:
        batch = list(AccessToken.objects.filter(expires__lt=now)
                     .values_list("pk", flat=True)[:10_000])
        if not batch:
            return removed
        removed += AccessToken.objects.filter(pk__in=batch).delete()[0]


# The toolkit has no type information: its applications and tokens are typed Any here.


def _consumer_of(application: Any) -> ConsumerSystem | None:
    if application is None:
        return None
    try:
        consumer: ConsumerSystem = application.consumer
    except ConsumerSystem.DoesNotExist:
        return None
    return consumer


def active_consumer(application: Any) -> ConsumerSystem | None:
    """The consumer system behind an OAuth 2.0 client (an Application), if it is active."""
    consumer = _consumer_of(application)
    return consumer if consumer is not None and consumer.is_active else None


def granted(consumer: ConsumerSystem, token: Any, scope: str) -> bool:
    """Whether a call with `token` may use the service `scope`: the token carries it (it was
    granted when the token was issued) and the consumer still holds it (the administrator may
    have taken it away since)."""
    return scope in consumer.scope_set and bool(token.allow_scopes([scope]))


def find_dossier(consumer: ConsumerSystem, code: str, related: Iterable[str] = ()
                 ) -> tuple[Dossier | None, bool]:
    """The dossier `code` (None if there is none) and whether the consumer may ask about it:
    every dossier of the province, or with a reach only those received or handled by its
    agencies. The API answers "no such dossier" and "out of reach" alike; the exchange log
    keeps who was asked about, so that a refused question shows to its applicant."""
    dossier = Dossier.objects.filter(code=code).select_related(*related).first()
    if dossier is None:
        return None, False
    reach = {a.pk for a in consumer.agencies.all()}
    return dossier, (not reach or dossier.receiving_agency_id in reach
                     or dossier.handling_agency_id in reach)


# ------------------------------------------------------------------ django-oauth-toolkit hooks


class ConsumerScopes(BaseScopes):  # type: ignore[misc,no-any-unimported]  # untyped base
    """A token is granted the scopes its consumer holds (by default all of them; a request
    for others is refused with invalid_scope)."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(SCOPES)

    def get_available_scopes(self, application: Any = None, request: Any = None,
                             *args: Any, **kwargs: Any) -> list[str]:
        consumer = active_consumer(application)
        return sorted(consumer.scope_set) if consumer is not None else []

    def get_default_scopes(self, application: Any = None, request: Any = None,
                           *args: Any, **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request)


class ConsumerValidator(OAuth2Validator):  # type: ignore[misc,no-any-unimported]
    """The toolkit's validator, refusing clients and tokens of inactive consumers."""

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return active_consumer(request.client) is not None

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if active_consumer(request.access_token.application) is None:
            request.oauth2_error = {"error": "invalid_token",
                                    "error_description": "The access token is invalid."}
            return False
        return True

    def _load_access_token(self, token: str) -> Any:
        """The toolkit's lookup by checksum, with the consumer in the same query."""
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        return (
            AccessToken.objects.select_related("application__consumer", "user")
            .filter(token_checksum=checksum).first())
