"""Response headers every deployment wants (issue 9, "Security headers"), and addresses no
view can take."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from motcua.core.errors import NulInAddress
from motcua.core.views import bad_request


class SecurityHeaders:
    """Permissions-Policy on every response (settings.PERMISSIONS_POLICY), and
    `Cache-Control: no-store` on API answers, which carry personal data (a dossier, a token, a
    notice): no proxy or browser cache keeps them. An answer that chose its own caching keeps
    it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith("/api/v1/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class RefuseNulInAddress:
    """A request whose path or query holds a NUL character (`%00`) is refused with 400 before
    any view reads it: no code, name or filter has one, and PostgreSQL refuses it in a text
    value (a dossier code or a filter with it was a server error). Problem+json under /api/,
    like Django's other 400s (core.views.bad_request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return bad_request(request, NulInAddress())
        return self.get_response(request)
