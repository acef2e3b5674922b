"""Values read at most once per web request: what several checks of one request ask again
(a staff member's roles are read by the access check, the dossier's policy and its steps'
permissions on one page). The cache lives as long as the request; outside one (tasks,
commands, the shell) every call reads afresh. `RequestCache` is the middleware that opens it;
`forget` empties it when a change would make a value stale within the request."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

T = TypeVar("T")

_values: ContextVar[dict[Hashable, Any] | None] = ContextVar("motcua_request_cache",
                                                             default=None)


def once_per_request(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave earlier in this request for `key`."""
    values = _values.get()
    if values is None:
        return read()
    if key not in values:
        values[key] = read()
    value: T = values[key]
    return value


def forget() -> None:
    """Empties this request's cache (a role or an account changed meanwhile)."""
    values = _values.get()
    if values is not None:
        values.clear()


class RequestCache:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _values.set({})
        try:
            return self.get_response(request)
        finally:
            _values.reset(token)
