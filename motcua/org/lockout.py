"""Sign-in lockout (django-axes), by address and account together, with growing waits (issue 9).

- What is counted: the failed sign-ins of one account from one address
  (AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]). Someone elsewhere who tries an
  officer's username cannot lock that officer out of their own address, and officers who share
  a service center's address do not lock each other out.
- The wait: after AXES_FAILURE_LIMIT failures the address waits LOCKOUT_BASE_MINUTES for that
  account; every further failure (it can only come after a wait) doubles the wait, up to
  LOCKOUT_MAX_HOURS. Attempts during a wait are refused without being checked or counted
  (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so retrying does not make it longer.
  The count is forgotten at the next success from that address, or after AXES_COOLOFF_TIME
  (twice the longest wait) without a failure.
- No ceiling per account across addresses: any such ceiling lets whoever can reach the site
  from enough addresses lock the real user out again, the abuse this design removes. Guessing
  from many addresses is met by the password rules (AUTH_PASSWORD_VALIDATORS), each address's
  own growing wait, and the log: every lockout is logged (logger `motcua.security`).
- An administrator unlocks an account (every address) with the admin action on users
  (org.actions.unlock_sign_in), or deletes single rows under "Access attempts".

The answer to a locked address: 429 with Retry-After; problem+json under /api/ (the token
endpoint answers it itself), text elsewhere (AXES_LOCKOUT_CALLABLE = lockout_response, used by
AxesMiddleware for the admin's sign-in form).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.errors import PROBLEM_CONTENT_TYPE, problem

security_log = logging.getLogger("motcua.security")


def wait_after(failures: int) -> dt.timedelta:
    """How long an address waits for an account after its `failures`-th failure in a row."""
    beyond = max(0, failures - int(settings.AXES_FAILURE_LIMIT))
    wait = dt.timedelta(minutes=settings.LOCKOUT_BASE_MINUTES) * (1 << min(beyond, 32))
    longest = dt.timedelta(hours=settings.LOCKOUT_MAX_HOURS)
    return min(wait, longest)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc,no-any-unimported]  # untyped
    """axes' database handler (its rows, its admin) with a wait that grows per failure instead
    of one fixed cool-off, and a log line for every lockout."""

    def locked_for(self, request: HttpRequest, credentials: dict[str, Any] | None = None
                   ) -> dt.timedelta | None:
        """How long this address must still wait for this account, or None."""
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        longest: dt.timedelta | None = None
        for attempts in self.get_user_attempts(request, credentials):
            seen = attempts.aggregate(failures=Sum("failures_since_start"),
                                      last=Max("attempt_time"))
            failures, last = seen["failures"] or 0, seen["last"]
            if last is None or failures < settings.AXES_FAILURE_LIMIT:
                continue
            remaining = last + wait_after(failures) - now
            if remaining > dt.timedelta(0) and (longest is None or remaining > longest):
                longest = remaining
        return longest

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None
                  ) -> bool:
        return self.locked_for(request, credentials) is not None

    def user_login_failed(self, sender: Any, credentials: dict[str, Any],
                          request: HttpRequest | None = None, **kwargs: Any) -> None:
        refused_while_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_while_locked or not getattr(request, "axes_locked_out",
                                                                  False):
            return
        wait = self.locked_for(request, credentials)
        security_log.warning(
            "sign-in locked: account %r from address %s after %s failures, for %d s",
            get_client_username(request, credentials), getattr(request, "axes_ip_address", ""),
            getattr(request, "axes_failures_since_start", "?"),
            wait.total_seconds() if wait else 0,
        )


def lockout_seconds(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """The seconds this address must still wait for this account (at least 1 when locked)."""
    handler = AxesProxyHandler.get_implementation()
    wait = handler.locked_for(request, credentials) if isinstance(handler, LockoutHandler) \
        else None
    return max(1, math.ceil(wait.total_seconds())) if wait else 1


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins to this account from your address. Try again in %(minutes)d "
        "minute, or ask an administrator to unlock the account.",
        "Too many failed sign-ins to this account from your address. Try again in %(minutes)d "
        "minutes, or ask an administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    seconds = lockout_seconds(request, credentials)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            problem(429, _("Too many requests"), lockout_message(seconds), "account_locked"),
            status=429, content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        response = HttpResponse(lockout_message(seconds), status=429,
                                content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
