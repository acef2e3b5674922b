"""API errors as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class DomainError(Exception):
    """A rule of the domain refused an action. Carries a stable code for clients."""

    status_code: int = status.HTTP_409_CONFLICT
    code = "conflict"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra


class InvalidInput(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"


class NotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class NulInAddress(SuspiciousOperation):
    """A NUL character in the path or the query of a request (core.middleware)."""


def problem(status_code: int, title: str, detail: Any = None, code: str = "", **extra: Any) -> dict:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status_code}
    if detail is not None:
        body["detail"] = detail
    if code:
        body["code"] = code
    body.update({k: v for k, v in extra.items() if k not in body})
    return body


def _problem_response(body: dict, headers: dict | None = None) -> Response:
    response = Response(body, status=body["status"], headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return _problem_response(
            problem(exc.status_code, _title(exc.status_code), exc.detail, exc.code, **exc.extra)
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body = problem(response.status_code, _("Invalid input"), code="invalid",
                       errors=_in_language(data))
    else:
        detail = data.get("detail", data) if isinstance(data, dict) else data
        code = getattr(detail, "code", "") or ""
        body = problem(response.status_code, _title(response.status_code), str(detail), code)
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    return _problem_response(body, headers)


def _untranslated() -> dict[str, str]:
    """DRF messages that DRF never passes through gettext, in the user's language."""
    return {"No data provided": _("No data was sent: the body must be a JSON object.")}


def _in_language(errors: Any) -> Any:
    if isinstance(errors, dict):
        return {key: _in_language(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_in_language(value) for value in errors]
    if isinstance(errors, exceptions.ErrorDetail) and str(errors) in _untranslated():
        return exceptions.ErrorDetail(_untranslated()[str(errors)], code=errors.code)
    return errors


def _title(status_code: int) -> str:
    titles = {
        400: _("Invalid input"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Payload too large"),
        415: _("Unsupported media type"),
        422: _("Unprocessable"),
        429: _("Too many requests"),
    }
    return titles.get(status_code, _("Error"))


def json_problem(request: HttpRequest, status_code: int, detail: str = "") -> JsonResponse:
    """Problem response for plain Django views (404/500 handlers under /api/)."""
    return JsonResponse(
        problem(status_code, _title(status_code), detail or None),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )
