"""Citizen pages. For now: public tracking by dossier code (the address in Form 01's QR)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.core.ratelimit import public_lookup_refused
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import tracking_payload

MAX_CODE_LENGTH = 48


def tracking(request: HttpRequest, code: str = "") -> HttpResponse:
    query = request.GET.get("code", "").strip()
    if query and not code and "/" not in query:
        return redirect("portal:tracking-code", code=query[:MAX_CODE_LENGTH])
    # a dossier code never holds a slash (the address could not carry it): none found
    code = code or query
    dossier = None
    if code and (wait := public_lookup_refused(request)) is not None:
        response = render(request, "portal/tracking.html", {"code": code, "wait": wait},
                          status=429)
        response["Retry-After"] = str(wait)
        return response
    if code:
        dossier = (
            Dossier.objects.select_related("procedure").filter(code=code[:MAX_CODE_LENGTH])
            .first()
        )
    context = {
        "code": code,
        "found": tracking_payload(dossier) if dossier else None,
    }
    return render(request, "portal/tracking.html", context, status=404 if code and not dossier
                  else 200)
