"""The applicant's dossier page (/ho-so-cua-toi/<code>/) and what they do there.

Only a person the dossier policy lets read the dossier sees it (dossiers.policy.get_visible);
others get the 404 of a missing code. Each action runs as the API runs it: the policy
(`policy.require_action`, or petitions.policy), then the one action (`actions.perform`,
petitions.actions); a refusal of the lifecycle (a second click, a status that moved on) is
shown in words. Form errors are shown next to their fields, with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.dossiers import actions, lifecycle, policy
from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.selectors import DetailRelations, detail_by_code
from motcua.dossiers.serializers import timeliness_of
from motcua.org.authentication import signed_in
from motcua.org.models import User
from motcua.petitions import actions as petition_actions
from motcua.petitions import policy as petition_policy
from motcua.petitions import selectors as petitions
from motcua.portal import timeline
from motcua.portal.forms import (
    PetitionForm,
    RatingForm,
    SupplementFileForm,
    SupplementSendForm,
    WithdrawForm,
)
from motcua.portal.petitions import filed_message
from motcua.workcalendar.service import due_soon_horizon

# What the applicant may do on this page, when the lifecycle and the policy allow it.
PAGE_ACTIONS = ("attach_file", "receive_supplement", "withdraw", "request_withdrawal")
WITHDRAWALS = ("withdraw", "request_withdrawal")
# A result is handed over once the dossier reaches these.
WITH_RESULT = (Status.RESULT_READY, Status.RETURNED)


def visible(request: HttpRequest, code: str) -> Dossier:
    try:
        return policy.get_visible(request.user, code, detail_by_code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _url(d: Dossier, anchor: str = "") -> str:
    return reverse("portal:dossier", kwargs={"code": d.code}) + (f"#{anchor}" if anchor else "")


def allowed(user: User, d: Dossier, related: DetailRelations) -> set[str]:
    """The page's actions the lifecycle allows in the dossier's status and the policy allows
    this person (an open request to withdraw already waits for its decision)."""
    possible = [a for a in PAGE_ACTIONS if d.status_enum in lifecycle.action(a).sources]
    found = set(policy.allowed_actions(user, d, possible,
                                       open_handovers=related.open_handover_agencies()))
    if any(r.kind == "withdrawal" and r.decided_at is None for r in related.requests):
        found.discard("request_withdrawal")
    return found


def due_mark(d: Dossier) -> str:
    """"late" (past the legal due time, or finished after it), "due_soon" (the clock runs and
    it is due within one working day), or ""."""
    state = timeliness_of(d)
    if state in ("late", "overdue") or (d.counted_late and d.received_at):
        return "late"
    now = timezone.now()
    if (state == "in_time" and d.status_enum in lifecycle.CLOCK_RUNNING and d.due_at
            and d.due_at <= due_soon_horizon(now)):
        return "due_soon"
    return ""


def _components(related: DetailRelations) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c, _files in related.components]


def page(request: HttpRequest, d: Dossier, **forms: Form) -> HttpResponse:
    """The page, with the forms given (bound, with their errors) or fresh ones."""
    user = signed_in(request)
    related = DetailRelations.read(d)
    can = allowed(user, d, related)
    supplement = next((s for s in reversed(related.supplements) if s.fulfilled_at is None),
                      None) if d.status == Status.SUPPLEMENT else None
    loose = list(DossierFile.objects.filter(dossier=d, component__isnull=True)
                 .select_related("uploaded_by").order_by("uploaded_at", "pk"))
    staff_files = [f for f in loose if f.uploaded_by and f.uploaded_by.kind == User.Kind.STAFF]
    mine = [f for f in loose if f not in staff_files]
    petition_list = petitions.about_dossier(user, d)
    shown: dict[str, Form] = {
        "upload_form": forms.get("upload_form")
        or SupplementFileForm(components=_components(related)),
        "send_form": forms.get("send_form") or SupplementSendForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "petition_form": forms.get("petition_form") or PetitionForm(),
    }
    context = {
        "dossier": d, "version": d.procedure_version, "related": related, "can": can,
        "mark": due_mark(d), "timeline": list(reversed(timeline.lines(related.events))),
        "supplement": supplement,
        "added": [f for _c, files in related.components for f in files
                  if supplement and f.uploaded_at >= supplement.requested_at]
        + [f for f in mine if supplement and f.uploaded_at >= supplement.requested_at],
        "results": staff_files if d.status in WITH_RESULT else [],
        "other_files": mine,
        "withdrawal": next((a for a in WITHDRAWALS if a in can), ""),
        "rating": petitions.rating_by(user, d),
        "can_rate": petition_policy.can_rate_dossier(user, d),
        "petitions": petition_list,
        "open_petition": next((p for p in petition_list if p.is_open), None),
        "can_petition": petition_policy.can_petition_about(user, d),
        **shown, "forms": list(shown.values()),
        "has_errors": any(f.errors for f in shown.values()),
    }
    return render(request, "portal/dossier.html", context)


@login_required
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    return page(request, visible(request, code))


@login_required
def dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A file of the dossier, read as the API reads it (policy.readable_file)."""
    try:
        stored = policy.readable_file(request.user, code, file_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return FileResponse(stored.file.open("rb"), as_attachment=True,
                        filename=stored.original_name, content_type=stored.content_type)


def _act(request: HttpRequest, d: Dossier, name: str, **inputs: Any) -> Dossier | None:
    """Run action `name` as the API does; a refusal becomes a message (None)."""
    user = signed_in(request)
    try:
        policy.require_action(user, d, name)
        return actions.perform(d, name, user, **inputs)
    except InvalidInput:
        raise
    except DomainError as exc:
        messages.error(request, _("Nothing was done: %(why)s") % {"why": exc.detail})
        return None


@login_required
@require_POST
def supplement_file(request: HttpRequest, code: str) -> HttpResponse:
    """One file answering the supplement request (attach_file, as POST …/files)."""
    d = visible(request, code)
    form = SupplementFileForm(request.POST, request.FILES,
                              components=_components(DetailRelations.read(d)))
    if not form.is_valid():
        return page(request, d, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        done = _act(request, d, "attach_file", upload=upload,
                    component_id=form.cleaned_data["component"])
    except InvalidInput as exc:
        form.add_error("component" if exc.code == "component" else "file", exc.detail)
        return page(request, d, upload_form=form)
    if done is not None:
        messages.success(request, _("“%(name)s” was added to your dossier. Add the other "
                                    "documents, then send the supplement.")
                         % {"name": upload.name})
    return redirect(_url(d, "supplement"))


@login_required
@require_POST
def supplement_send(request: HttpRequest, code: str) -> HttpResponse:
    """The supplement is complete: receive_supplement, as the API's action."""
    d = visible(request, code)
    form = SupplementSendForm(request.POST)
    if not form.is_valid():
        return page(request, d, send_form=form)
    if _act(request, d, "receive_supplement", note=form.cleaned_data["note"]) is not None:
        messages.success(request, _("Your supplement was sent. The agency goes on handling "
                                    "your dossier."))
    return redirect(_url(d))


@login_required
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw (before receipt) or ask to withdraw (after it), with a reason, confirmed on a
    second page before anything is done."""
    d = visible(request, code)
    related = DetailRelations.read(d)
    name = next((a for a in WITHDRAWALS if a in allowed(signed_in(request), d, related)), "")
    if not name:
        messages.error(request, _("This dossier can no longer be withdrawn from here."))
        return redirect(_url(d))
    form = WithdrawForm(request.POST or None)
    confirming = request.method == "POST" and form.is_valid()
    if confirming and request.POST.get("confirm") == "yes":
        if _act(request, d, name, reason=form.cleaned_data["reason"]) is not None:
            messages.success(request, _("Your dossier was withdrawn.") if name == "withdraw"
                             else _("Your request to withdraw the dossier was sent: the "
                                    "agency decides on it."))
        return redirect(_url(d))
    return render(request, "portal/withdraw.html",
                  {"dossier": d, "form": form, "confirming": confirming, "action": name})


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    d = visible(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return page(request, d, rating_form=form)
    user = signed_in(request)
    try:
        petition_policy.require_rate_dossier(user, d)
        petition_actions.rate_dossier(d, user, satisfied=form.cleaned_data["satisfied"] == "yes",
                                      reason=form.cleaned_data["reason"])
    except InvalidInput as exc:
        form.add_error("reason", exc.detail)
        return page(request, d, rating_form=form)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(_url(d, "rating"))
    messages.success(request, _("Thank you: your rating was recorded."))
    return redirect(_url(d, "rating"))


@login_required
@require_POST
def petition(request: HttpRequest, code: str) -> HttpResponse:
    """A petition about this dossier, to its handling agency."""
    d = visible(request, code)
    form = PetitionForm(request.POST)
    if not form.is_valid():
        return page(request, d, petition_form=form)
    user = signed_in(request)
    try:
        petition_policy.require_citizen(user)
        filed = petition_actions.file_petition(user, dossier=d, **form.cleaned_data)
    except InvalidInput as exc:
        form.add_error("text", exc.detail)
        return page(request, d, petition_form=form)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(_url(d, "petitions"))
    return filed_message(request, filed)

