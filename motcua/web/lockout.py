"""The answer to a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE): on the site's own
sign-in page, that page again in the layout, with the wait and status 429; elsewhere (the API,
the admin) the answer of motcua.org.lockout, which also counts the wait."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from motcua.org import lockout
from motcua.web.forms import SignInForm


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    if request.path != reverse("web:sign-in"):
        return lockout.lockout_response(request, original_response, credentials)
    seconds = lockout.lockout_seconds(request, credentials)
    # A fresh form: validating the one posted would try the password again, and count it.
    form = SignInForm(request, initial={"username": request.POST.get("username", "")[:150]})
    response = render(request, "web/sign_in.html",
                      {"form": form, "lockout": lockout.lockout_message(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response
