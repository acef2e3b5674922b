"""What the workspace's pages share when they read a dossier and run an action on it: the
policy's answers as the 404 and 403 pages, a domain error shown next to the field it is about,
and the redirect after a form sent by htmx or by the browser."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.dossiers import policy
from motcua.dossiers.models import Dossier
from motcua.org.models import User


def field_error(form: forms.Form, exc: DomainError, fields: dict[str, str]) -> None:
    """Show the action's refusal next to the field its code names (`fields`: code → field),
    or above the form when it is about none of them."""
    name = fields.get(exc.code)
    form.add_error(name if name in form.fields else None, exc.detail)


def htmx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Go to `url` after a form was sent: a 303 for the browser; for htmx (which would follow a
    redirect inside its request), an empty answer telling it to load the page."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)


def visible(user: User, code: str) -> Dossier:
    """The dossier with `code` if the policy lets `user` read it; the 404 page otherwise (as
    for a code that does not exist)."""
    try:
        return policy.get_visible(user, code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def require_action(user: User, dossier: Dossier, action: str) -> None:
    """The policy's check of the API (`policy.require_action`, audited); a refusal is the 403
    page with its reason."""
    try:
        policy.require_action(user, dossier, action)
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from exc


def row_errors(bound: Dossier | None, rows: list[dict[str, Any]],
               *forms_sent: forms.Form | None) -> dict[str, Any]:
    """What `workspace/includes/row_errors.html` shows: the errors of the forms sent from the
    dossier `bound` of a list whose `rows` each hold a "dossier"."""
    errors = [e for form in forms_sent if form is not None
              for field_errors in form.errors.values() for e in field_errors]
    return {"bound": bound, "bound_errors": errors,
            "bound_listed": bound is not None and any(r["dossier"].pk == bound.pk for r in rows)}
