"""The staff workspace's start page: the person's roles and where each one's work is. Those
who process dossiers (specialists, heads, leaders) start on their worklist instead; the other
pages live in modules of their own (one per part of the day's work)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.workspace.access import PROCESSING, held_roles, staff_member, staff_required


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    roles = held_roles(staff_member(request))
    if any(r.role in PROCESSING for r in roles):
        return redirect("workspace:worklist")
    return render(request, "workspace/home.html", {"roles": roles})
