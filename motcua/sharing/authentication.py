"""Who calls the data-sharing API, what it may call, how often, and on whose behalf.

Every call passes, in this order (DRF's own):
1. `ConsumerAuthentication`: an OAuth 2.0 bearer token of an active consumer system
   (django-oauth-toolkit; integration.consumers), else 401 with a Bearer challenge.
2. `ServiceScope`: the service's scope, carried by the token and still held by the consumer,
   else 403 (code `scope_missing`).
3. `ConsumerRate`: the consumer's calls per minute, counted across every process
   (core.ratelimit.count_hit, in the database or Redis), else 429 with Retry-After. Only calls
   that got this far count; a refused call touches no data and writes nothing.
4. The services that give personal data also need the `X-Purpose` and `X-Officer` headers
   (`declared_request`), else 400: the exchange log records why and for whom each was asked.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication, TokenHasScope
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from motcua.core.errors import InvalidInput
from motcua.core.ratelimit import refused
from motcua.core.text import UnfitText, clean_human_text
from motcua.integration import consumers
from motcua.integration.models import ConsumerSystem

PURPOSE_HEADER, OFFICER_HEADER = "X-Purpose", "X-Officer"
PURPOSE_MAX, OFFICER_MAX = 300, 150  # the exchange log's columns


class ConsumerAuthentication(OAuth2Authentication):  # type: ignore[misc,no-any-unimported]
    """The toolkit's bearer-token authentication; `request.auth` is the access token, whose
    application's consumer is active (ConsumerValidator). No user is signed in."""

    www_authenticate_realm = "motcua-sharing"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Any] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        return AnonymousUser(), found[1]


def consumer_of(request: Request) -> ConsumerSystem:
    token = request.auth
    consumer = consumers.active_consumer(getattr(token, "application", None))
    if consumer is None:  # not reached after ConsumerAuthentication
        raise exceptions.NotAuthenticated()
    return consumer


class ServiceScope(TokenHasScope):  # type: ignore[misc,no-any-unimported]
    """The view's one scope (`required_scopes`), granted to the token and still held by its
    consumer."""

    code = "scope_missing"

    @property
    def message(self) -> str:
        return _("This system may not use this service: its credentials lack the scope.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        consumer = consumers.active_consumer(token.application)
        return consumer is not None and all(
            consumers.granted(consumer, token, scope) for scope in self.get_scopes(request, view))


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"

    def __init__(self, wait: int) -> None:
        exceptions.APIException.__init__(self, ngettext(
            "Too many calls from this system; try again in %(seconds)s second.",
            "Too many calls from this system; try again in %(seconds)s seconds.",
            wait) % {"seconds": wait}, "rate_limited")
        self.wait = wait


class ConsumerRate(BaseThrottle):
    """At most the consumer's `rate_limit_per_minute` calls in each minute of the clock."""

    wait_seconds: int = 0

    def allow_request(self, request: Request, view: Any) -> bool:
        consumer = consumer_of(request)
        wait = refused(f"sharing:{consumer.pk}", consumer.rate_limit_per_minute)
        self.wait_seconds = wait or 0
        return wait is None

    def wait(self) -> float:
        return float(self.wait_seconds)


@dataclass(frozen=True)
class Declared:
    """What a consumer declares of a call that asks about a person."""

    purpose: str
    officer: str


def _header_text(request: Request, name: str, max_length: int) -> str:
    """A header's text: percent-encoded UTF-8 (as Motcua's own adapters send it, since a
    header carries Latin-1 only) or raw UTF-8, as some clients send it."""
    raw = request.headers.get(name, "")
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    code = name.lower().removeprefix("x-") + "_invalid"
    try:
        text = clean_human_text(unquote(raw, errors="strict")).strip()
    except (UnicodeDecodeError, UnfitText):
        raise InvalidInput(_("The %(header)s header is not readable text (UTF-8, "
                             "percent-encoded or not).") % {"header": name}, code=code) from None
    if not text:
        raise InvalidInput(
            _("State the purpose of the call (X-Purpose header).") if name == PURPOSE_HEADER
            else _("Name the officer on whose behalf the system asks (X-Officer header)."),
            code=name.lower().removeprefix("x-") + "_required")
    if len(text) > max_length:
        raise InvalidInput(_("The %(header)s header is longer than %(max)d characters.")
                           % {"header": name, "max": max_length}, code=code)
    return text


def declared_request(request: Request) -> Declared:
    return Declared(purpose=_header_text(request, PURPOSE_HEADER, PURPOSE_MAX),
                    officer=_header_text(request, OFFICER_HEADER, OFFICER_MAX))


class ConsumerAuthenticationScheme(DjangoOAuthToolkitScheme):  # type: ignore[no-untyped-call]
    """The OpenAPI security scheme (OAuth 2.0, client credentials) and each operation's scope,
    from drf-spectacular's extension for the toolkit."""

    target_class = "motcua.sharing.authentication.ConsumerAuthentication"
