"""The staff workspace's pages. The start page lists the person's roles and where each one's
work is; the other pages live in modules of their own (one per part of the day's work)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.workspace.access import held_roles, staff_member, staff_required


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/home.html", {"roles": held_roles(staff_member(request))})
