"""The OpenAPI schema (drf-spectacular) says what the API answers, errors included.

Every API error is a problem (RFC 9457, `motcua.core.errors`) served as
`application/problem+json`: one component, `Problem`. `AutoSchema` adds to each operation the
problems that come from the way it is built, so that no view has to repeat them:

- 400 always: a parameter out of its bounds, a body that is not valid JSON or that its
  serializer refuses, and on any operation a NUL character in the address
  (core.middleware.RefuseNulInAddress);
- 401 when it authenticates (a token that is wrong; no token where one is needed);
- 403 when it changes something and accepts a session (no CSRF token);
- 404 when its path names an object (an unknown one, or one the caller may not see);
- 415 when it reads a body (another media type than those documented).

What only the view knows (409 a rule of the domain refused, 403 a role that may not, 422, 429)
it says itself, near its code: `responses={..., 409: problem_response(_("why"))}`.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny

from motcua.core.errors import PROBLEM_CONTENT_TYPE

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457). Some problems carry more members, named in their description
    (e.g. `allowed` for an illegal transition)."""

    type = serializers.CharField(help_text=_("Always about:blank: `code` tells the kind."))
    title = serializers.CharField(help_text=_("The status in words, in the user's language."))
    status = serializers.IntegerField(min_value=400, max_value=599)
    detail = serializers.CharField(
        required=False, help_text=_("What went wrong, in the user's language."))
    code = serializers.CharField(
        required=False, help_text=_("A stable code for programs, e.g. illegal_transition."))
    errors = serializers.JSONField(  # type: ignore[assignment]  # named like Serializer.errors
        required=False,
        help_text=_("Invalid input: the messages by field (an object), or a list of messages."))


def problem_response(description: str | Promise) -> OpenApiResponse:
    """A problem response of one operation, for `@extend_schema(responses={code: …})`."""
    return OpenApiResponse(ProblemSerializer, description=description)


DEFAULT_DESCRIPTIONS: dict[int, Promise] = {
    400: _("Invalid input: a parameter or the body is refused (see `errors` or `detail`), or "
           "the address holds a NUL character."),
    401: _("Not authenticated: the token is missing, wrong or of an inactive account."),
    403: _("Forbidden: the caller may not do this."),
    404: _("Not found, or not visible to the caller."),
    409: _("Conflict: a rule of the domain refuses it in the current state."),
    415: _("Unsupported media type of the body."),
    422: _("Unprocessable request."),
    429: _("Too many requests: wait for the number of seconds in Retry-After."),
}


def _is_problem(response: Any) -> bool:
    if isinstance(response, OpenApiResponse):
        response = response.response
    return response is ProblemSerializer or isinstance(response, ProblemSerializer)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the problems each operation can answer."""

    def _get_response_for_code(self, serializer: Any, status_code: str,
                               media_types: Any = None, direction: Any = "response"
                               ) -> dict[str, Any]:
        if _is_problem(serializer):
            media_types = [PROBLEM_CONTENT_TYPE]
        response: dict[str, Any] = super()._get_response_for_code(  # type: ignore[no-untyped-call]
            serializer, status_code, media_types, direction)
        return response

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str,
                      registry: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in self.common_problems(operation):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    problem_response(DEFAULT_DESCRIPTIONS[status]), str(status))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def common_problems(self, operation: dict[str, Any]) -> list[int]:
        """The problem statuses `operation` can answer by the way its view is built."""
        where = {p["in"] for p in operation.get("parameters", [])}
        has_body = "requestBody" in operation
        authentication = getattr(self.view, "authentication_classes", [])
        permissions = getattr(self.view, "permission_classes", [])
        statuses = [400]
        if any(issubclass(a, TokenAuthentication) for a in authentication):
            statuses.append(401)  # a wrong token, even where none is needed
        elif not all(p is AllowAny for p in permissions):
            statuses.append(403)
        if self.method not in SAFE_METHODS and any(
                issubclass(a, SessionAuthentication) for a in authentication):
            statuses.append(403)  # signed in with a session, without the CSRF token
        if "path" in where:
            statuses.append(404)
        if has_body:
            statuses.append(415)
        return statuses
