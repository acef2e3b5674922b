"""Petitions in the staff workspace: the worklist of the petitions of the person's agencies
(those waiting for the agency first, by deadline, with the late and the due soon marked and
each view counted), and a petition's page with its deadlines and the answer form.

Reads through petitions.selectors (from petitions.policy); the answer runs the action the API
runs (petitions.actions.answer_petition), for the agency's one-stop officers, heads and
leaders only (petitions.policy.require_answer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.dossiers import policy as dossier_policy
from motcua.petitions import actions, policy, rules, selectors
from motcua.petitions.actions import MAX_TEXT
from motcua.petitions.models import Outcome, Petition
from motcua.web.forms import DesignSystemForm, DesignSystemRadios
from motcua.workcalendar.service import due_soon_horizon, get_calendar
from motcua.workspace.access import staff_member, staff_required

PER_PAGE = 20
VIEW_LABELS = {
    "open": gettext_lazy("Waiting for us"), "late": gettext_lazy("Late"),
    "due_soon": gettext_lazy("Due soon"), "waiting": gettext_lazy("Waiting for the petitioner"),
    "handled": gettext_lazy("Handled"), "all": gettext_lazy("All"),
}


class AnswerForm(DesignSystemForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What do you do with the petition?"), choices=Outcome.choices,
        widget=DesignSystemRadios,
        error_messages={"required": gettext_lazy("Choose what to do with the petition.")})
    text = forms.CharField(
        label=gettext_lazy("Your answer, the reason of the refusal, or the information you "
                           "need"),
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        error_messages={"required": gettext_lazy("Write the answer.")})


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    view = request.GET.get("view", "open")
    if view not in selectors.VIEWS:
        view = "open"
    now = timezone.now()
    page = Paginator(selectors.worklist(user, view, now), PER_PAGE).get_page(
        request.GET.get("page"))
    horizon = due_soon_horizon(now)
    rows = [(p, selectors.timing(p, now, horizon)) for p in page]
    counts = selectors.counts(user, now)
    return render(request, "workspace/petitions.html", {
        "page": page, "rows": rows, "view": view, "view_label": VIEW_LABELS[view],
        "views": [(v, VIEW_LABELS[v], counts.get(v)) for v in selectors.VIEWS],
    })


def _visible(request: HttpRequest, petition_id: int) -> Petition:
    try:
        return policy.get_visible(
            staff_member(request), petition_id,
            Petition.objects.select_related(*selectors.LIST_RELATED, "petitioner",
                                            "answered_by"))
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _page(request: HttpRequest, p: Petition, form: AnswerForm | None = None) -> HttpResponse:
    user = staff_member(request)
    return render(request, "workspace/petition.html", {
        "petition": p, "timing": selectors.timing(p, timezone.now()),
        "deadlines": rules.deadlines(p.counted_from, get_calendar()),
        "can_answer": policy.can_answer(user, p) and p.status == Petition.Status.OPEN,
        # the dossier it is about, linked when the policy lets this staff member read it
        "dossier_url": (reverse("workspace:dossier", kwargs={"code": p.dossier.code})
                        if p.dossier is not None and dossier_policy.can_read(user, p.dossier)
                        else ""),
        "form": form or AnswerForm(initial=_initial(p)),
    })


def _initial(p: Petition) -> dict[str, Any]:
    # more information may be asked for once only
    return {"outcome": Outcome.ANSWER} if p.asked_at else {}


@staff_required
def petition(request: HttpRequest, petition_id: int) -> HttpResponse:
    return _page(request, _visible(request, petition_id))


@staff_required
@require_POST
def answer(request: HttpRequest, petition_id: int) -> HttpResponse:
    p = _visible(request, petition_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, p, form)
    user = staff_member(request)
    try:
        policy.require_answer(user, p)
        done = actions.answer_petition(p, user, **form.cleaned_data)
    except InvalidInput as exc:
        form.add_error("outcome" if exc.code == "outcome" else "text", exc.detail)
        return _page(request, p, form)
    except DomainError as exc:
        messages.error(request, _("Nothing was done: %(why)s") % {"why": exc.detail})
        return redirect("workspace:petition", petition_id=p.pk)
    messages.success(request, {
        Outcome.ANSWER: _("The answer was sent to the petitioner."),
        Outcome.REFUSE: _("The refusal was sent to the petitioner."),
        Outcome.CLARIFY: _("Your request for information was sent to the petitioner."),
    }[Outcome(form.cleaned_data["outcome"])] + (" " + _("It came after its deadline.")
                                                 if done.late_since else ""))
    return redirect("workspace:petition", petition_id=p.pk)
