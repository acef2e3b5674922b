"""My account: who accessed my personal data (Decree 13/2023, art. 9: the data subject's right
to know). The exchanges of the exchange log about the account's VNeID-verified ID number; an
account without a verified number sees none (a number typed into an account proves nothing)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.integration import exchange_log
from motcua.integration.identity import eid_of
from motcua.org.authentication import signed_in


@login_required
def data_access(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    entries = exchange_log.for_citizen(user)
    rows = exchange_log.rows(entries or [])
    return render(request, "portal/data_access.html",
                  {"eid": eid_of(user), "verified": entries is not None, "rows": rows})
