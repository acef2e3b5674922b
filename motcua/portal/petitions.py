"""The citizen's petitions: filing one about a procedure (one about a dossier is filed on the
dossier's page), the list of their petitions with the answers, a petition's page where they
give the information asked for and say whether the answer satisfied them.

Read through petitions.policy (a petition is its petitioner's and its agency's only); each
change runs the action the API runs (petitions.actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import selectors as catalog
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.formatting import format_dt
from motcua.dossiers.routing import candidate_agencies
from motcua.org.authentication import signed_in
from motcua.petitions import actions, policy, rules, selectors
from motcua.petitions.models import Petition
from motcua.portal.forms import AnswerRatingForm, InformationForm, ProcedurePetitionForm
from motcua.workcalendar.service import get_calendar

PETITIONS_PER_PAGE = 20


def filed_message(request: HttpRequest, filed: Petition) -> HttpResponse:
    messages.success(request, _("Your petition no. %(n)s was sent to %(agency)s, which answers "
                                "by %(deadline)s.")
                     % {"n": filed.pk, "agency": filed.agency.name,
                        "deadline": format_dt(filed.deadline)})
    return redirect("portal:petition", petition_id=filed.pk)


@login_required
def procedure_petition(request: HttpRequest, ref: str) -> HttpResponse:
    """A petition about a procedure, to one of the agencies competent for it."""
    try:
        proc, version = catalog.procedure_detail(ref)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    agencies = candidate_agencies(version)
    by_code = {a.code: a for a in agencies}
    form = ProcedurePetitionForm(request.POST or None,
                                 agencies=[(a.code, a.name) for a in agencies])
    if request.method == "POST" and form.is_valid():
        user = signed_in(request)
        data = form.cleaned_data
        try:
            policy.require_citizen(user)
            filed = actions.file_petition(user, text=data["text"], topic=data["topic"],
                                          procedure=proc, agency=by_code[data["agency"]])
        except InvalidInput as exc:
            form.add_error("agency" if exc.code == "agency" else "text", exc.detail)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            return filed_message(request, filed)
    return render(request, "portal/procedure_petition.html",
                  {"procedure": proc, "version": version, "form": form,
                   "agencies": agencies})


@login_required
def my_petitions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.of_petitioner(signed_in(request)), PETITIONS_PER_PAGE).get_page(
        request.GET.get("page"))
    now = timezone.now()
    rows = [(p, selectors.timing(p, now)) for p in page]
    return render(request, "portal/my_petitions.html", {"page": page, "rows": rows})


def _visible(request: HttpRequest, petition_id: int) -> Petition:
    try:
        return policy.get_visible(request.user, petition_id,
                                  Petition.objects.select_related(*selectors.LIST_RELATED))
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def page(request: HttpRequest, p: Petition, **forms: Any) -> HttpResponse:
    user = signed_in(request)
    mine = policy.is_petitioner(user, p)
    shown = [forms.get("information_form") or InformationForm(),
             forms.get("rating_form") or AnswerRatingForm()]
    return render(request, "portal/petition.html", {
        "petition": p, "timing": selectors.timing(p, timezone.now()),
        "deadlines": rules.deadlines(p.counted_from, get_calendar()),
        "can_inform": mine and p.status == Petition.Status.WAITING,
        "can_rate": mine and not p.is_open and not p.rating,
        "information_form": shown[0], "rating_form": shown[1],
        "forms": shown, "has_errors": any(f.errors for f in shown),
    })


@login_required
def petition(request: HttpRequest, petition_id: int) -> HttpResponse:
    return page(request, _visible(request, petition_id))


@login_required
@require_POST
def petition_information(request: HttpRequest, petition_id: int) -> HttpResponse:
    p = _visible(request, petition_id)
    form = InformationForm(request.POST)
    if not form.is_valid():
        return page(request, p, information_form=form)
    user = signed_in(request)
    try:
        policy.require_petitioner(user, p, "add_information")
        actions.add_information(p, user, text=form.cleaned_data["text"])
    except InvalidInput as exc:
        form.add_error("text", exc.detail)
        return page(request, p, information_form=form)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Your information was sent; the agency answers within 15 "
                                    "working days from now."))
    return redirect("portal:petition", petition_id=p.pk)


@login_required
@require_POST
def petition_rating(request: HttpRequest, petition_id: int) -> HttpResponse:
    p = _visible(request, petition_id)
    form = AnswerRatingForm(request.POST)
    if not form.is_valid():
        return page(request, p, rating_form=form)
    user = signed_in(request)
    try:
        policy.require_petitioner(user, p, "rate_answer")
        actions.rate_answer(p, user, satisfied=form.cleaned_data["satisfied"] == "yes")
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Thank you: your rating of the answer was recorded."))
    return redirect("portal:petition", petition_id=p.pk)
