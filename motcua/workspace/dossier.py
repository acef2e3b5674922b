"""The dossier page of the workspace: the applicant, the components and their files, the due
times with their marks, the process steps, the timeline, the slips to print, and only the
actions this person may take now, each with its form.

Reads and rules are the domain's: the dossier as the API's detail reads it
(dossiers.selectors), who may read it and act on it (dossiers.policy, and for a step
processing.permissions through processing.selectors.steps_with_actions). An action sent from
here runs as the API's does: policy.require_action then actions.perform for a dossier action,
processing.actions for a step's, the input read by the API's own parser. A person who may not
read the dossier gets 404; one who may read it but not act sees no action, and a forged
submission is refused (403) with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.core.idempotency import run_first
from motcua.dossiers import actions, lifecycle, policy
from motcua.dossiers.lifecycle import Input
from motcua.dossiers.models import Dossier, DossierEvent, DossierRequest
from motcua.dossiers.selectors import DetailRelations, detail_by_code
from motcua.dossiers.serializers import parse_action_inputs
from motcua.dossiers.slips import applicable_forms
from motcua.org.models import User
from motcua.org.selectors import search_agencies, staff_of
from motcua.processing import actions as pactions
from motcua.processing import permissions, selectors
from motcua.processing.models import StepInstance
from motcua.processing.serializers import parse_step_inputs
from motcua.web.timeline import Line
from motcua.workcalendar.rules import timeliness
from motcua.workcalendar.service import get_calendar
from motcua.workspace.access import staff_member, staff_required
from motcua.workspace.forms import ASSIGNEE, ActionChoices, ActionForm
from motcua.workspace.labels import STEP_LABELS, event_label
from motcua.workspace.timing import dossier_timing

# A step's own actions, beside the ones its process offers.
TAKING = ("claim", "assign")


@dataclass
class Offer:
    """An action offered on the page, with its form."""

    key: str  # the form's prefix, unique on the page
    code: str  # the dossier's
    name: str
    label: str
    url: str
    form: ActionForm
    slip: str = ""  # the form (01–06) it issues
    shown: bool = False  # its fields are on the page (asked for, or sent back with errors)

    @property
    def open(self) -> bool:
        return self.shown or (self.form.is_bound and bool(self.form.errors))

    @property
    def folded(self) -> bool:
        """A form with fields that the page leaves out: the disclosure fetches it when opened
        (htmx; without script, a link reloads the page with it). Rendering every form of every
        action was a quarter of the page's time and is mostly never opened."""
        return not self.open and (self.form.has_inputs or bool(self.form.confirm))

    @property
    def fragment_url(self) -> str:
        return reverse("workspace:dossier-form", kwargs={"code": self.code, "key": self.key})


@dataclass
class StepRow:
    step: StepInstance
    timing: str
    offers: list[Offer] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """What ended the step, in words (a step action, or the dossier's end)."""
        outcome = self.step.outcome
        if outcome in STEP_LABELS:
            return capfirst(str(STEP_LABELS[outcome]))
        return capfirst(lifecycle.action_label(outcome)) if outcome else ""


Sent = tuple[str, ActionForm]  # the form just sent (its key), with its errors


def _visible(user: User, code: str) -> Dossier:
    try:
        return policy.get_visible(user, code, detail_by_code)
    except NotFound:
        raise Http404(_("No dossier with this code is visible to you.")) from None


def _choices(d: Dossier, related: DetailRelations, step: StepInstance | None = None
             ) -> ActionChoices:
    """Where each field of this dossier's forms takes its options from."""
    def agencies() -> list[tuple[Any, str]]:
        return list(search_agencies().order_by("name").values_list("code", "name"))

    def duration_cases() -> list[tuple[Any, str]]:
        return [("default", _("The procedure's own duration")),
                *((c.key, c.label) for c in d.procedure_version.cases())]

    def request_kinds() -> list[tuple[Any, str]]:
        return [(r.kind, r.get_kind_display()) for r in related.requests if r.decided_at is None]

    def assignees() -> list[tuple[Any, str]]:
        if step is None:
            return []
        return [(r.user.username, r.user.full_name or r.user.username)
                for r in staff_of(step.agency_id, [step.role])]

    return ActionChoices(
        agencies=agencies, duration_cases=duration_cases, request_kinds=request_kinds,
        components=lambda: [(c.pk, c.name) for c, _files in related.components],
        assignees=assignees)


def dossier_form(d: Dossier, related: DetailRelations, name: str, data: Any = None,
                 files: Any = None) -> ActionForm:
    spec = lifecycle.action(name)
    return ActionForm(data, files, inputs=spec.inputs, prefix=name,
                      confirm=spec.target in lifecycle.FINISHING, choices=_choices(d, related))


def step_form(d: Dossier, related: DetailRelations, step: StepInstance, name: str,
              data: Any = None) -> ActionForm:
    inputs: tuple[Input, ...]
    if name in TAKING:
        inputs = (ASSIGNEE,) if name == "assign" else ()
        confirm = False
    else:
        inputs, confirm = permissions.step_inputs(name), permissions.ends_dossier(name)
    return ActionForm(data, inputs=inputs, prefix=f"step{step.pk}-{name}", confirm=confirm,
                      choices=_choices(d, related, step))


def _applicable(name: str, d: Dossier, related: DetailRelations) -> bool:
    """Whether the dossier's rows leave something for the action to do: routing waits for the
    dispatch queue, a decision for a request to decide (policy says who; this, whether)."""
    asked = {r.kind for r in related.requests if r.decided_at is None}
    return {
        "route": bool(d.dispatch_reason),
        "grant_withdrawal": DossierRequest.Kind.WITHDRAWAL in asked,
        "stop": DossierRequest.Kind.STOP in asked,
        "decline_request": bool(asked),
    }.get(name, True)


def dossier_actions(user: User, d: Dossier, related: DetailRelations,
                    on_steps: set[str]) -> list[str]:
    """The dossier actions `user` may take now (policy.allowed_actions: those a process step
    drives are left to the steps), but those a step of theirs offers (`on_steps`)."""
    names = lifecycle.allowed_actions(d.status_enum)
    if d.status_enum in lifecycle.ACTIONS["attach_file"].sources:
        names.append("attach_file")
    allowed = policy.allowed_actions(user, d, names,
                                     open_handovers=related.open_handover_agencies())
    return [n for n in allowed if n not in on_steps and _applicable(n, d, related)]


def _pick(key: str, sent: Sent | None, build: Callable[[], ActionForm]) -> ActionForm:
    return sent[1] if sent is not None and sent[0] == key else build()


def _step_rows(user: User, d: Dossier, related: DetailRelations, now: dt.datetime,
               sent: Sent | None, shown: str) -> list[StepRow]:
    run = selectors.run_of(d.pk)
    horizon = selectors.due_soon_horizon(now)
    calendar = get_calendar()
    rows = []
    for step, allowed in selectors.steps_with_actions(d.pk, user, run):
        if step.finished_at is None:
            timing = selectors.timing_of(step.due_at, step.waiting, now, horizon)
        else:
            done = timeliness(step.finished_at, step.due_at, now, calendar,
                              settings.TIMELINESS_GRANULARITY)
            timing = "finished_late" if done == "late" else ""
        row = StepRow(step, timing)
        for name in allowed:  # the step's own actions, then claim and assign
            key = f"step{step.pk}-{name}"
            effect = permissions.STEP_EFFECTS.get(name)
            row.offers.append(Offer(
                key=key, code=d.code, name=name, label=capfirst(str(STEP_LABELS[name])),
                url=reverse("workspace:step-action",
                            kwargs={"code": d.code, "step_id": step.pk, "action": name}),
                form=_pick(key, sent, partial(step_form, d, related, step, name)),
                slip=lifecycle.action(effect).slip if effect else "", shown=key == shown))
        rows.append(row)
    return rows


def timeline_line(e: DossierEvent) -> Line:
    """One event on the staff's timeline: the action, the status it led to, who did it."""
    text = capfirst(str(event_label(e.action)))
    if e.to_status is not None and e.to_status != e.from_status:
        text = f"{text} → {e.get_to_status_display()}"
    return Line(e.at, text, reason=e.reason, actor=e.actor_name)


def offers_of(user: User, d: Dossier, related: DetailRelations, now: dt.datetime,
              sent: Sent | None = None, shown: str = "") -> tuple[list[StepRow], list[Offer]]:
    """The steps with the actions `user` may take on each, and the dossier's own actions."""
    steps = _step_rows(user, d, related, now, sent, shown)
    on_steps = {o.name for row in steps for o in row.offers}
    offers = [Offer(
        key=name, code=d.code, name=name, label=capfirst(str(lifecycle.action(name).label)),
        url=reverse("workspace:dossier-action", kwargs={"code": d.code, "action": name}),
        form=_pick(name, sent, partial(dossier_form, d, related, name)),
        slip=lifecycle.action(name).slip, shown=name == shown,
    ) for name in dossier_actions(user, d, related, on_steps)]
    return steps, offers


def page(request: HttpRequest, d: Dossier, *, related: DetailRelations | None = None,
         sent: Sent | None = None, refused: str = "", status: int = 200) -> HttpResponse:
    user = staff_member(request)
    related = related or DetailRelations.read(d)
    now = timezone.now()
    steps, offers = offers_of(user, d, related, now, sent, request.GET.get("form", ""))
    return render(request, "workspace/dossier.html", {
        "d": d, "related": related, "steps": steps, "offers": offers,
        "step_offers": [row for row in steps if row.offers],
        "timing": dossier_timing(d, now, selectors.due_soon_horizon(now)),
        "slips": applicable_forms(d, related),
        "timeline": [timeline_line(e) for e in reversed(related.events)],
        "sent_form": sent[1] if sent else None, "refused": refused,
    }, status=status)


@staff_required
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    return page(request, _visible(staff_member(request), code))


@staff_required
def offer_form(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """One folded action's form, fetched by its disclosure when opened: only an action this
    person may take now (the page's own reckoning), else 404. Asked for outside htmx, the page
    with that form open."""
    user = staff_member(request)
    d = _visible(user, code)
    if not request.headers.get("HX-Request"):
        return redirect(reverse("workspace:dossier", kwargs={"code": d.code})
                        + f"?form={key}#{key}")
    steps, offers = offers_of(user, d, DetailRelations.read(d), timezone.now(), shown=key)
    offer = next((o for o in (*offers, *(o for row in steps for o in row.offers))
                  if o.key == key), None)
    if offer is None:
        raise Http404(_("This action is not open to you on this dossier now."))
    return render(request, "workspace/includes/offer_form.html", {"offer": offer})


def _done(request: HttpRequest, d: Dossier, label: str, done: bool) -> HttpResponse:
    if done:
        messages.success(request, _("Done: %(action)s.") % {"action": label})
    else:
        messages.info(request, _("This was already done: the page shows the dossier as it is "
                                 "now."))
    return redirect("workspace:dossier", code=d.code)


@require_POST
@staff_required
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """A dossier action sent from the page: as POST /api/v1/dossiers/<code>/actions/<action>."""
    user = staff_member(request)
    d = _visible(user, code)
    spec = lifecycle.ACTIONS.get(action)
    if spec is None or not (spec.api or action == "attach_file"):
        raise Http404(_("Unknown action."))
    related = DetailRelations.read(d)
    form = dossier_form(d, related, action, request.POST, request.FILES)
    label = capfirst(str(spec.label))
    try:  # who (audited when refused), then whether now: a page may be out of date
        policy.require_action(user, d, action)
        lifecycle.check_transition(action, d.status_enum)
        if not _applicable(action, d, related):
            raise DomainError(_("There is nothing for this action to do on this dossier now."),
                              code="not_applicable")
    except DomainError as refusal:
        return page(request, d, related=related, refused=refusal.detail,
                    status=refusal.status_code)
    if not form.is_valid():
        return page(request, d, related=related, sent=(action, form))
    try:
        inputs = parse_action_inputs(action, form.api_data())
        done, _changed = run_first(f"web:{user.pk}", form.key,
                                   lambda: actions.perform(d, action, user, **inputs))
    except (DomainError, ValidationError) as error:
        form.take_error(error)
        return page(request, d, related=related, sent=(action, form))
    return _done(request, d, label, done)


@require_POST
@staff_required
def step_action(request: HttpRequest, code: str, step_id: int, action: str) -> HttpResponse:
    """A step action sent from the page: claim, assign, or one the step's process offers, as
    POST /api/v1/steps/<id>/claim, …/assign, …/actions/<action>."""
    user = staff_member(request)
    d = _visible(user, code)
    if action not in (*permissions.STEP_ACTIONS, *TAKING):
        raise Http404(_("Unknown step action."))
    step = next((s for s in selectors.dossier_steps(d.pk) if s.pk == step_id), None)
    if step is None:
        raise Http404(_("No such step in this dossier."))
    related = DetailRelations.read(d)
    form = step_form(d, related, step, action, request.POST)
    key = f"step{step.pk}-{action}"
    if not form.is_valid():
        return page(request, d, related=related, sent=(key, form))
    work: Callable[[], pactions.Outcome]
    try:
        if action == "claim":
            work = lambda: pactions.claim(step_id, user=user)  # noqa: E731
        elif action == "assign":
            username = form.cleaned_data["username"]
            work = lambda: pactions.assign_by_username(step_id, username, by=user)  # noqa: E731
        else:
            inputs = parse_step_inputs(form.api_data())
            work = lambda: pactions.act(step_id, action, actor=user, **inputs)  # noqa: E731
        done, _outcome = run_first(f"web:{user.pk}", form.key, work)
    except NotFound:
        raise Http404(_("No such step in this dossier.")) from None
    except NotAllowed as refusal:
        return page(request, d, related=related, refused=refusal.detail, status=403)
    except (DomainError, ValidationError) as error:
        form.take_error(error)
        return page(request, d, related=related, sent=(key, form))
    return _done(request, d, capfirst(str(STEP_LABELS[action])), done)
