"""The one-stop unit's queues: the dossiers submitted online (or by post) waiting to be received
or refused, and the dossiers waiting in the receiving center to be routed to the competent
agency. Each decision runs the same action under the same policy as the API's
`POST /api/v1/dossiers/<code>/actions/<name>` (`policy.require_action`, `actions.perform`,
the inputs the registry gives the action)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError
from motcua.core.forms import HumanTextFormMixin
from motcua.dossiers import actions, lifecycle, policy, selectors
from motcua.dossiers.models import Dossier
from motcua.org.models import AdministrativeUnit, Agency, User
from motcua.web.forms import DesignSystemForm
from motcua.web.templatetags.web import duration
from motcua.workspace.access import holds, staff_member, staff_required
from motcua.workspace.pages import (
    field_error,
    htmx_redirect,
    require_action,
    row_errors,
    visible,
)

PER_PAGE = 20
DECISIONS = {"tiep-nhan": "accept", "tu-choi": "refuse"}  # the address's word → the action


class AcceptForm(HumanTextFormMixin, DesignSystemForm):
    """The accept action's inputs (lifecycle.ACTIONS["accept"]): the duration case, where the
    procedure has alternatives, and the reason for choosing another than the data selects."""

    duration_case = forms.ChoiceField(label=gettext_lazy("Legal duration"), required=False)
    duration_reason = forms.CharField(
        label=gettext_lazy("Why this duration"), required=False, max_length=4000,
        help_text=gettext_lazy("Needed when you choose another duration than the dossier's "
                               "data selects."))

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"accept-{dossier.pk}-%s"  # one form per dossier of the list
        super().__init__(*args, **kwargs)
        version = dossier.procedure_version
        selected = version.case_for(dossier.form_data or {})
        own = duration(version.duration_value, version.duration_unit)
        field = self.fields["duration_case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("As the dossier's data selects: %(case)s")
             % {"case": selected.label if selected else _("the procedure's own")}),
            ("default", _("The procedure's own (%(duration)s)") % {"duration": own} if own
             else _("The procedure's own")),
            *((c.key, f"{c.label} ({duration(c.value, c.unit)})") for c in version.cases())]
        self.has_cases = bool(version.cases())


class RefuseForm(HumanTextFormMixin, DesignSystemForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing"), max_length=4000,
        help_text=gettext_lazy("Printed on Form 03 and sent to the applicant."),
        error_messages={"required": gettext_lazy("Give the reason for refusing the dossier.")},
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"refuse-{dossier.pk}-%s"
        super().__init__(*args, **kwargs)


# Which field an error of the action is about (its code).
ACCEPT_FIELDS = {"duration_case": "duration_case", "unknown_duration_case": "duration_case",
                 "duration_reason": "duration_reason"}
REFUSE_FIELDS = {"reason": "reason"}


@staff_required
def intake_queue(request: HttpRequest) -> HttpResponse:
    """The dossiers waiting at the officer's one-stop units to be received, the oldest first."""
    user = staff_member(request)
    if not holds(user, lifecycle.ONE_STOP):
        raise PermissionDenied(_("The online intake queue is for the one-stop officers of a "
                                 "receiving unit."))
    return _intake_page(request, user)


def _intake_page(request: HttpRequest, user: User, *, bound: Dossier | None = None,
                 accept: AcceptForm | None = None, refuse: RefuseForm | None = None,
                 status: int = 200) -> HttpResponse:
    page = Paginator(selectors.online_intake_queue(user), PER_PAGE).get_page(
        request.GET.get("page"))
    rows = []
    for d in page:
        is_bound = bound is not None and d.pk == bound.pk
        rows.append({
            "dossier": d,
            "accept": accept if is_bound and accept else AcceptForm(dossier=d),
            "refuse": refuse if is_bound and refuse else RefuseForm(dossier=d),
            "refusing": is_bound and refuse is not None,
        })
    return render(request, "workspace/intake_queue.html",
                  {"page": page, "rows": rows, **row_errors(bound, rows, accept, refuse)},
                  status=status)


@require_POST
@staff_required
def intake_decision(request: HttpRequest, code: str, decision: str) -> HttpResponse:
    """Receive (accept) or refuse one dossier of the queue."""
    user = staff_member(request)
    action = DECISIONS.get(decision)
    if action is None:
        raise Http404(_("Unknown decision."))
    dossier = visible(user, code)
    require_action(user, dossier, action)
    accept = refuse = None
    if action == "accept":
        accept = AcceptForm(request.POST, dossier=dossier)
        form: DesignSystemForm = accept
        fields = ACCEPT_FIELDS
    else:
        refuse = RefuseForm(request.POST, dossier=dossier)
        form, fields = refuse, REFUSE_FIELDS
    if form.is_valid():
        try:
            actions.perform(dossier, action, user, **form.cleaned_data)
        except DomainError as exc:
            field_error(form, exc, fields)
        else:
            _done(request, dossier, action)
            return htmx_redirect(request, _back(request, "workspace:intake-queue"))
    return _intake_page(request, user, bound=dossier, accept=accept, refuse=refuse,
                        status=400)


def _done(request: HttpRequest, dossier: Dossier, action: str) -> None:
    slip = lifecycle.ACTIONS[action].slip
    url = reverse("dossier-slip", kwargs={"code": dossier.code, "form": slip})
    text = (_("Dossier %(code)s is received.") if action == "accept"
            else _("Dossier %(code)s is refused.")) % {"code": dossier.code}
    link = _("Print Form %(form)s") % {"form": slip}
    messages.success(request, format_html('{} <a class="govuk-notification-banner__link" '
                                          'href="{}" target="_blank" rel="noopener">{}</a>',
                                          text, url, link))


def _back(request: HttpRequest, name: str) -> str:
    """The list the form was sent from, on its page."""
    page = request.GET.get("page", "")
    return reverse(name) + (f"?page={page}" if page.isdigit() else "")


# --- dispatch ---------------------------------------------------------------------------


@staff_required
def dispatch_queue(request: HttpRequest) -> HttpResponse:
    """Dossiers whose competent agency could not be found, waiting in the officer's receiving
    centers for a person to route them (the API's DispatchQueue)."""
    user = staff_member(request)
    if not holds(user, (*lifecycle.ONE_STOP, *lifecycle.LEADS)):
        raise PermissionDenied(_("The dispatch queue is for the one-stop officers and heads "
                                 "of a receiving center."))
    page = Paginator(selectors.dispatch_queue(user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/dispatch.html", {"page": page})


class RouteForm(HumanTextFormMixin, DesignSystemForm):
    """The route action's inputs: the competent agency and why."""

    to_agency = forms.ChoiceField(
        label=gettext_lazy("Competent agency"),
        error_messages={"required": gettext_lazy("Choose the competent agency.")})
    reason = forms.CharField(
        label=gettext_lazy("Why this agency"), max_length=4000,
        help_text=gettext_lazy("Kept on the dossier's timeline."),
        error_messages={"required": gettext_lazy("Give the reason for this agency.")},
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, agencies: QuerySet[Agency], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Agency.Kind.choices)
        of_kind = [(a.code, a.name) for a in agencies if a.kind == kind]
        others = [(a.code, a.name) for a in agencies if a.kind != kind]
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + ([(str(labels.get(kind, kind)), of_kind)] if of_kind
                                       else []) + [(_("Other agencies"), others)]


def _route_choices(dossier: Dossier) -> QuerySet[Agency]:
    """The active agencies of the receiving center's province that may handle a dossier."""
    province = dossier.receiving_agency.unit.province()
    communes = AdministrativeUnit.objects.filter(parent=province).values("id")
    return (Agency.objects.filter(is_active=True)
            .exclude(kind__in=[Agency.Kind.PROVINCE_CENTER, Agency.Kind.COMMUNE_CENTER])
            .filter(unit_id__in=[province.pk, *communes.values_list("id", flat=True)])
            .order_by("name"))


@staff_required
def route(request: HttpRequest, code: str) -> HttpResponse:
    """Route one dossier of the dispatch queue to the competent agency (action `route`)."""
    user = staff_member(request)
    dossier = visible(user, code)
    version = dossier.procedure_version
    form = RouteForm(request.POST or None, agencies=_route_choices(dossier),
                     kind=version.handling_agency_kind)
    status = 200
    if request.method == "POST":
        require_action(user, dossier, "route")
        if form.is_valid():
            try:
                dossier = actions.perform(dossier, "route", user, **form.cleaned_data)
            except DomainError as exc:
                field_error(form, exc, {"to_agency": "to_agency", "reason": "reason"})
            else:
                messages.success(request, _("Dossier %(code)s is routed to %(agency)s.") % {
                    "code": dossier.code, "agency": dossier.handling_agency.name})
                return htmx_redirect(request, reverse("workspace:dispatch"))
        status = 400
    elif not policy.can_act(user, dossier, "route"):
        raise PermissionDenied(_("You may not route this dossier."))
    return render(request, "workspace/dispatch_route.html",
                  {"dossier": dossier, "form": form}, status=status)
