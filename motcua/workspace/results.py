"""Return of results: the dossiers whose result is ready that the officer's one-stop units
return, where the applicant chose (`dossiers.returns`): handed over at the counter, sent by the
public postal service, or online (to the applicant's account on the portal, where "My
dossiers" shows it). Returning runs the API's `return_result` action under the same policy.

The Circular's forms (01–06) have no slip of the handover: the applicant shows Form 01, and
the dossier's timeline records who returned the result, when, and the officer's note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError
from motcua.core.forms import HumanTextFormMixin
from motcua.dossiers import actions, lifecycle, policy, selectors
from motcua.dossiers.models import Dossier, ReturnMethod, Status
from motcua.org.models import User
from motcua.web.forms import DesignSystemForm
from motcua.workspace.access import holds, staff_member, staff_required
from motcua.workspace.pages import (
    field_error,
    htmx_redirect,
    require_action,
    row_errors,
    visible,
)

PER_PAGE = 20


class ResultsFilter(DesignSystemForm):
    q = forms.CharField(
        label=gettext_lazy("Dossier code"), required=False, max_length=48,
        help_text=gettext_lazy("The code on the applicant's Form 01, or its beginning."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false", "class": "govuk-input--width-20"}))
    method = forms.ChoiceField(
        label=gettext_lazy("Returned"), required=False,
        choices=[("", gettext_lazy("Every way")), *ReturnMethod.choices])


class ReturnForm(HumanTextFormMixin, DesignSystemForm):
    """The return_result action's input: a note (who collected it, the postal item number)."""

    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=4000)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"return-{dossier.pk}-%s"  # one form per dossier of the list
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = str(NOTE_HINTS.get(dossier.return_method, ""))


NOTE_HINTS: dict[str, Promise] = {
    ReturnMethod.UNIT: gettext_lazy("Who collected it, if not the applicant."),
    ReturnMethod.POSTAL: gettext_lazy("The postal item number."),
    ReturnMethod.ONLINE: gettext_lazy("How it was sent, if not only to the account."),
}


@staff_required
def results_queue(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    if not holds(user, lifecycle.ONE_STOP):
        raise PermissionDenied(_("Returning results is for the one-stop officers of a "
                                 "receiving unit."))
    return _page(request, user)


def _page(request: HttpRequest, user: User, *, bound: Dossier | None = None,
          form: ReturnForm | None = None, status: int = 200) -> HttpResponse:
    search = ResultsFilter(request.GET)
    search.is_valid()
    wanted = {"method": search.cleaned_data.get("method") or "",
              "code": search.cleaned_data.get("q") or ""}
    page = Paginator(selectors.results_to_return(user, **wanted), PER_PAGE).get_page(
        request.GET.get("page"))
    rows = [{"dossier": d,
             "form": form if bound is not None and d.pk == bound.pk and form
             else ReturnForm(dossier=d)} for d in page]
    elsewhere = _not_ready(user, wanted["code"]) if wanted["code"] and not rows else None
    return render(request, "workspace/results.html", {
        "search": search, "page": page, "rows": rows, "elsewhere": elsewhere,
        "filtered": any(wanted.values()), **row_errors(bound, rows, form),
    }, status=status)


def _not_ready(user: User, code: str) -> Dossier | None:
    """The dossier the officer looked for by its whole code, when its result is not ready (or
    already returned): the page says in which status it is."""
    found = policy.visible_dossiers(user).filter(code=code.strip()).first()
    return found if found is not None and found.status != Status.RESULT_READY else None


@require_POST
@staff_required
def return_result(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request)
    dossier = visible(user, code)
    require_action(user, dossier, "return_result")
    form = ReturnForm(request.POST, dossier=dossier)
    if form.is_valid():
        try:
            actions.perform(dossier, "return_result", user, **form.cleaned_data)
        except DomainError as exc:
            field_error(form, exc, {"note": "note"})
        else:
            messages.success(request, _("The result of dossier %(code)s is returned.")
                             % {"code": dossier.code})
            query = request.GET.urlencode()
            return htmx_redirect(request, reverse("workspace:returns")
                                 + (f"?{query}" if query else ""))
    return _page(request, user, bound=dossier, form=form, status=400)
