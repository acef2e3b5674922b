"""Response headers every deployment wants (issue 9, "Security headers")."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
