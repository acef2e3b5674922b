"""Sign-in lockout (django-axes) as a clear message: problem+json under /api/, text elsewhere.

The token endpoint answers a lockout itself. For every other sign-in form (admin, staff pages)
set AXES_LOCKOUT_CALLABLE = "motcua.org.lockout.lockout_response" in settings.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from motcua.core.errors import PROBLEM_CONTENT_TYPE, problem


def lockout_seconds(request: HttpRequest | None = None) -> int | None:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else None


def lockout_message() -> str:
    return _(
        "This account is locked after too many failed sign-in attempts. "
        "Try again later or ask an administrator to unlock it."
    )


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    seconds = lockout_seconds(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            problem(429, _("Too many requests"), lockout_message(), "account_locked"),
            status=429, content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        response = HttpResponse(lockout_message(), status=429,
                                content_type="text/plain; charset=utf-8")
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
