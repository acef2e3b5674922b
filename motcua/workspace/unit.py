"""The unit overview, for the heads and leaders of an agency: the unit's open steps in the
views of the unit worklist API (processing.selectors.unit_worklist: all, queue, assigned, due
soon, late, waiting) with their counts, who holds what (open and late steps per officer), and
the assignment of a step to an officer of the unit (processing.actions, as POST
/api/v1/steps/<id>/assign). Others are refused (403)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.core.idempotency import run_first
from motcua.org.models import Agency, StaffRole, User
from motcua.org.selectors import staff_of
from motcua.processing import actions as pactions
from motcua.processing import selectors
from motcua.workspace.access import headed_agencies, staff_member, staff_required
from motcua.workspace.forms import unit_form
from motcua.workspace.paging import counted_page, page_number
from motcua.workspace.worklist import back_to, procedure_choices, rows

PER_PAGE = 25
VIEW_LABELS = {
    "all": gettext_lazy("All open steps"),
    "queue": gettext_lazy("Unit queue"),
    "assigned": gettext_lazy("Assigned"),
    "due_soon": gettext_lazy("Due soon"),
    "late": gettext_lazy("Late"),
    "waiting": gettext_lazy("Waiting for the applicant"),
}
assert set(VIEW_LABELS) == set(selectors.UNIT_VIEWS)
UNIT_PARAM = "don-vi"


@dataclasses.dataclass(frozen=True)
class Failed:
    """An assignment refused by the action: its step, the officer chosen, why."""

    step_id: int
    username: str
    error: str


def _agency(user: User, code: str | None) -> tuple[Agency, list[StaffRole]]:
    """The unit asked for among those the person heads (the first by default), or 403."""
    headed = headed_agencies(user)
    if not headed:
        raise PermissionDenied(_("The unit overview is for the heads and leaders of an agency."))
    chosen = next((r for r in headed if r.agency.code == code), headed[0])
    return chosen.agency, headed


def _who_holds_what(by_assignee: list[dict[str, Any]], staff: list[StaffRole]
                    ) -> list[dict[str, Any]]:
    """Every officer of the unit with their open and late steps (none: 0), and anyone else
    still holding steps of the unit (a role ended)."""
    counts = {row["assignee__username"]: row for row in by_assignee}
    people: dict[str, dict[str, Any]] = {}
    for held in staff:
        person = people.setdefault(held.user.username, {
            "name": held.user.full_name or held.user.username, "roles": [],
            "open": counts.get(held.user.username, {}).get("open", 0),
            "late": counts.get(held.user.username, {}).get("late", 0), "in_unit": True})
        person["roles"].append(held.get_role_display())
    for username, row in counts.items():
        people.setdefault(username, {"name": row["assignee__full_name"] or username,
                                     "roles": [], "open": row["open"], "late": row["late"],
                                     "in_unit": False})
    return sorted(people.values(), key=lambda p: (-p["open"], p["name"]))


def unit_page(request: HttpRequest, query: QueryDict, *, here: str, failed: Failed | None = None
              ) -> HttpResponse:
    user = staff_member(request)
    agency, headed = _agency(user, query.get(UNIT_PARAM))
    form = unit_form(query or None, procedure_choices())
    filters = form.filters()
    view = filters.pop("view")
    now = timezone.now()
    result, page = counted_page(
        lambda offset: selectors.unit_worklist(agency, view=view, now=now, limit=PER_PAGE,
                                               offset=offset, **filters),
        page_number(query.get("page")), PER_PAGE)
    staff = staff_of(agency.pk)
    by_role: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for held in staff:
        by_role[held.role].append((held.user.username, held.user.full_name or held.user.username))
    can_act = result.extra["assignee_can_act"]
    page_rows = [dataclasses.replace(
        row, assign_choices=tuple(by_role[row.role]),
        assignee_can_act=not row.assignee_username or can_act[row.step_id],
        assign_value=failed.username if failed and failed.step_id == row.step_id else "",
        assign_error=failed.error if failed and failed.step_id == row.step_id else "",
    ) for row in rows(result.items, now, {})]
    return render(request, "workspace/unit.html", {
        "agency": agency, "headed": headed, "form": form, "view": view, "page": page,
        "rows": page_rows, "here_url": here, "failed": failed, "unit_param": UNIT_PARAM,
        "views": [(name, str(VIEW_LABELS[name]), result.counts[name])
                  for name in selectors.UNIT_VIEWS],
        "people": _who_holds_what(result.extra["by_assignee"], staff),
        "searched": bool(filters["procedure"] or filters["statuses"] or filters["code"]),
    })


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    return unit_page(request, request.GET, here=request.get_full_path())


@require_POST
@staff_required
def assign(request: HttpRequest, step_id: int) -> HttpResponse:
    """Assign (or reassign) a step to an officer of the unit, as the API's assign does; a
    second submit of the same form assigns nothing more."""
    user = staff_member(request)
    back = back_to(request, reverse("workspace:unit"))
    username = request.POST.get("username", "").strip()

    def again(error: str) -> HttpResponse:  # the page as it was, with the error by the step
        return unit_page(request, QueryDict(urlsplit(back).query), here=back,
                         failed=Failed(step_id, username, error))

    if not username:
        return again(_("Choose the officer."))
    try:
        done, outcome = run_first(
            f"web:{user.pk}", request.POST.get("once", ""),
            lambda: pactions.assign_by_username(step_id, username, by=user))
    except NotFound as hidden:
        messages.error(request, hidden.detail)
        return HttpResponseRedirect(back)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.detail) from None
    except DomainError as error:
        return again(error.detail)
    if done and outcome is not None:
        name = outcome.step.assignee.full_name if outcome.step.assignee else username
        messages.success(request, _("The step “%(step)s” of dossier %(code)s is assigned to "
                                    "%(name)s.") % {"step": outcome.step.name,
                                                    "code": outcome.dossier.code, "name": name})
    else:
        messages.info(request, _("This was already done."))
    return HttpResponseRedirect(back)
