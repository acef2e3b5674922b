"""The worklist page: a staff member's open process steps in every view of the worklist API
(processing.selectors.worklist: mine, queue, due soon, late, waiting, handed over) with their
counts, filtered, searched by dossier code, sorted and paged; a queued step is taken from here
(processing.actions.claim, as POST /api/v1/steps/<id>/claim).

htmx swaps the list when a filter, a view or a page changes; without a script every control is
a link or a GET form, and the page is the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotFound
from motcua.core.idempotency import run_first
from motcua.processing import actions as pactions
from motcua.processing import selectors
from motcua.processing.permissions import may_claim
from motcua.workspace.access import held_roles, staff_member, staff_required
from motcua.workspace.forms import worklist_form
from motcua.workspace.paging import counted_page, page_number

PER_PAGE = 25
VIEW_LABELS = {
    "mine": gettext_lazy("Mine"),
    "queue": gettext_lazy("Unit queue"),
    "due_soon": gettext_lazy("Due soon"),
    "late": gettext_lazy("Late"),
    "waiting": gettext_lazy("Waiting for the applicant"),
    "handed_over": gettext_lazy("Handed over"),
}
assert set(VIEW_LABELS) == set(selectors.VIEWS)


@dataclass(frozen=True)
class Row:
    """One open step of a worklist, as a row of the page."""

    href: str  # the dossier's page
    step_id: int
    step_name: str
    agency_name: str
    code: str
    procedure_name: str
    applicant_name: str
    status: int
    assignee_name: str  # "" for a step in its unit's queue
    started_at: dt.datetime
    due_at: dt.datetime
    timing: str  # processing.selectors.timing_of
    claimable: bool
    role: str  # the step's
    assignee_username: str
    # on the unit's overview: whom the step may be assigned to, whether its assignee still
    # holds its role, and a failed assignment's choice and error
    assign_choices: tuple[tuple[str, str], ...] = ()
    assignee_can_act: bool = True
    assign_value: str = ""
    assign_error: str = ""


def rows(items: list[dict[str, Any]], now: dt.datetime, roles: dict[str, frozenset[str]]
         ) -> list[Row]:
    """`items` (rows of selectors.ITEM_FIELDS) for the page; `roles`: the person's roles by
    agency code, to tell the steps they may take (permissions.may_claim)."""
    horizon = selectors.due_soon_horizon(now)
    # the dossier page's address, reversed once (a code is safe in a path as it is)
    href = reverse("workspace:dossier", kwargs={"code": "CODE"}).replace("CODE", "{}")
    return [Row(
        href=href.format(item["dossier__code"]), step_id=item["id"], step_name=item["name"],
        agency_name=item["agency__name"],
        code=item["dossier__code"], procedure_name=item["dossier__procedure__name"],
        applicant_name=item["dossier__applicant_name"], status=item["dossier__status"],
        assignee_name=(item["assignee__full_name"] or item["assignee__username"] or ""),
        started_at=item["started_at"], due_at=item["due_at"],
        timing=selectors.timing_of(item["due_at"], item["waiting"], now, horizon),
        claimable=may_claim(item["assignee_id"], item["role"],
                            roles.get(item["agency__code"], frozenset())),
        role=item["role"], assignee_username=item["assignee__username"] or "",
    ) for item in items]


def procedure_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in selectors.procedures_with_process() if code]


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    form = worklist_form(request.GET or None, procedure_choices())
    filters = form.filters()
    view = filters.pop("view")
    now = timezone.now()
    result, page = counted_page(
        lambda offset: selectors.worklist(user, view=view, now=now, limit=PER_PAGE,
                                          offset=offset, **filters),
        page_number(request.GET.get("page")), PER_PAGE)
    held = held_roles(user)
    roles: dict[str, frozenset[str]] = {}
    for role in held:
        roles[role.agency.code] = roles.get(role.agency.code, frozenset()) | {role.role}
    return render(request, "workspace/worklist.html", {
        "form": form, "view": view, "page": page, "counts": result.counts,
        "rows": rows(result.items, now, roles), "roles": held,
        "views": [(name, str(VIEW_LABELS[name]), result.counts[name])
                  for name in selectors.VIEWS],
        "here_url": request.get_full_path(),
        "searched": bool(filters["procedure"] or filters["statuses"] or filters["code"]),
    })


def back_to(request: HttpRequest, home: str) -> str:
    """Where a form of a list returns: the list as it was (its `next`, under `home`), never
    another page or site."""
    target = request.POST.get("next", "")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return home


@require_POST
@staff_required
def claim(request: HttpRequest, step_id: int) -> HttpResponse:
    """Take a step from the unit's queue, as the API's claim does; a second submit of the same
    form takes nothing more."""
    user = staff_member(request)
    back = back_to(request, reverse("workspace:worklist"))
    try:
        done, outcome = run_first(f"web:{user.pk}", request.POST.get("once", ""),
                                  lambda: pactions.claim(step_id, user=user))
    except NotFound:
        messages.error(request, _("No such step, or none you may see."))
        return HttpResponseRedirect(back)
    except DomainError as error:
        messages.error(request, error.detail)
        return HttpResponseRedirect(back)
    if done and outcome is not None:
        messages.success(request, _("You took the step “%(step)s” of dossier %(code)s.")
                         % {"step": outcome.step.name, "code": outcome.dossier.code})
    else:
        messages.info(request, _("This was already done."))
    return HttpResponseRedirect(back)
