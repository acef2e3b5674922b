"""Counter reception: a one-stop officer receives a dossier on an applicant's behalf.

The page is built in steps kept in its address (so that each works without script): find the
applicant of an earlier dossier (`applicant_q`, then `from` names that dossier) or enter them,
find the procedure (`procedure_q`, then `procedure` names it), then the intake form of that
procedure. Sending it runs the same action as the API's counter intake
(`dossiers.actions.intake_at_counter`, after `policy.can_intake`) and, for the scans, the same
`attach_file` action as the API's file upload, in one transaction: receive (Form 01), ask for
everything missing (Form 02, a supplement before receipt) or refuse (Form 03). The form's
token is the Idempotency-Key of the API: the same form sent twice creates one dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import CODE_RE, ProcedureVersion
from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.core.idempotency import IdempotencyMismatch, run_once
from motcua.dossiers import actions, lifecycle, policy
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.selectors import earlier_applicants
from motcua.dossiers.uploads import UploadRejected, check_upload
from motcua.integration import national_documents
from motcua.integration.http import NationalSystemUnavailable
from motcua.org.models import AdministrativeUnit, Agency, User
from motcua.workspace import counter_identity
from motcua.workspace.access import staff_member, staff_required
from motcua.workspace.counter_forms import (
    DECISIONS,
    FIELD_OF_ERROR,
    ApplicantSearchForm,
    IntakeForm,
    ProcedureSearchForm,
    applicant_initial,
    eform_initial,
)
from motcua.workspace.pages import field_error, htmx_redirect, visible

SUGGESTIONS = 8


@dataclass(frozen=True)
class Counter:
    """Where the officer receives: their one-stop units, the communes of the province, and the
    province's one-stop units where a result may be collected."""

    desks: list[Agency]
    communes: list[AdministrativeUnit]
    return_units: list[Agency]

    @classmethod
    def of(cls, user: User) -> Counter:
        desks = [a for a in Agency.objects.filter(pk__in=policy.intake_agencies(user),
                                                  is_active=True)
                 .select_related("unit").order_by("name") if a.receives_dossiers]
        if not desks:
            raise PermissionDenied(_("Counter reception is for the one-stop officers of a "
                                     "receiving unit."))
        province = desks[0].unit.province()
        communes = list(AdministrativeUnit.objects.filter(
            parent=province, level=AdministrativeUnit.Level.COMMUNE).order_by("name"))
        units = list(Agency.objects.filter(
            is_active=True, kind__in=[Agency.Kind.PROVINCE_CENTER, Agency.Kind.COMMUNE_CENTER])
            .filter(unit__in=[province, *communes]).order_by("name"))
        return cls(desks, communes, units)


@dataclass(frozen=True)
class Step:
    """What the address says so far: the searches and the choices made."""

    applicant_q: str
    source_code: str  # the earlier dossier whose applicant is taken
    procedure_q: str
    procedure_code: str
    population_id: str = ""  # the ID number to look up in the population database

    @classmethod
    def of(cls, request: HttpRequest) -> Step:
        get = request.GET
        return cls(get.get("applicant_q", "").strip()[:255], get.get("from", "").strip()[:48],
                   get.get("procedure_q", "").strip()[:200],
                   get.get("procedure", "").strip()[:20],
                   get.get("population", "").strip()[:20])

    def url(self, **changes: str) -> str:
        state = {"applicant_q": self.applicant_q, "from": self.source_code,
                 "procedure_q": self.procedure_q, "procedure": self.procedure_code,
                 "population": self.population_id, **changes}
        query = urlencode({k: v for k, v in state.items() if v})
        return reverse("workspace:counter") + (f"?{query}" if query else "")

    @property
    def url_without_applicant(self) -> str:
        return self.url(applicant_q="", population="", **{"from": ""})

    @property
    def url_without_procedure(self) -> str:
        return self.url(procedure_q="", procedure="")


@staff_required
def reception(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    counter = Counter.of(user)
    step = Step.of(request)
    context: dict[str, Any] = {"step": step, "start_url": reverse("workspace:counter")}

    applicant_search = ApplicantSearchForm(request.GET)
    applicant_search.is_valid()
    source = _source(user, step, applicant_search)
    looked_up = None
    if step.population_id and source is None and request.method != "POST":
        looked_up = counter_identity.check(user, step.population_id, counter.communes)
    matches = [] if source or looked_up else _applicant_matches(user, step)
    if request.GET.get("find") == "applicant" and len(matches) == 1:
        return HttpResponseRedirect(step.url(applicant_q="", **{"from": matches[0][0].code}))

    procedure_search = ProcedureSearchForm(request.GET)
    procedure_search.is_valid()
    version = _version(step, procedure_search)
    suggestions = [] if version else _procedure_matches(step)
    if request.GET.get("find") == "procedure" and len(suggestions) == 1:
        return HttpResponseRedirect(step.url(procedure_q="",
                                             procedure=suggestions[0][1].procedure.code or ""))

    form = None
    if version is not None:
        initial = applicant_initial(source) if source else \
            dict(looked_up.initial) if looked_up else {}
        if looked_up is not None and looked_up.person is not None:
            # the declaration's answers about the applicant, from the same lookup
            initial.update(eform_initial(version, looked_up.person))
        form = IntakeForm(request.POST or None, request.FILES or None, version=version,
                          desks=counter.desks, communes=counter.communes,
                          return_units=counter.return_units, initial=initial)
        if request.method == "POST":
            done = _send(request, user, form, counter)
            if done is not None:
                return done
    elif request.method == "POST":
        raise Http404(_("Choose the procedure first."))

    _focus(form, applicant_search, procedure_search, source, version, matches, suggestions)
    _live(applicant_search, "applicant_q", "applicant-matches")
    _live(procedure_search, "procedure_q", "procedure-matches")
    # a list htmx brings in as the officer types leaves the cursor in the search field
    typing = request.headers.get("HX-Request") == "true"
    context.update({
        "applicant_search": applicant_search, "procedure_search": procedure_search,
        "source": source, "matches": matches, "version": version, "suggestions": suggestions,
        "form": form, "searched_applicant": bool(step.applicant_q) and not source,
        "searched_procedure": bool(step.procedure_q) and version is None,
        "focus_matches": not typing, "looked_up": looked_up,
    })
    return render(request, "workspace/counter.html", context)


def _source(user: User, step: Step, search: ApplicantSearchForm) -> Dossier | None:
    """The earlier dossier whose applicant the officer took, if the policy lets them read it."""
    if not step.source_code:
        return None
    try:
        return policy.get_visible(user, step.source_code)
    except NotFound as exc:
        search.add_error("applicant_q", exc.detail)
        return None


def _applicant_matches(user: User, step: Step) -> list[tuple[Dossier, str]]:
    return [(d, step.url(applicant_q="", **{"from": d.code}))
            for d in earlier_applicants(user, step.applicant_q)]


def _version(step: Step, search: ProcedureSearchForm) -> ProcedureVersion | None:
    if not step.procedure_code:
        return None
    if CODE_RE.match(step.procedure_code):
        try:
            return catalog.procedure_detail(step.procedure_code)[1]
        except NotFound as exc:
            search.add_error("procedure_q", exc.detail)
            return None
    search.add_error("procedure_q", _("No procedure with code %(code)s.")
                     % {"code": step.procedure_code})
    return None


def _procedure_matches(step: Step) -> list[tuple[str, ProcedureVersion]]:
    """Procedures in force with a national code (a dossier names its procedure by it)."""
    if not step.procedure_q:
        return []
    found = []
    for p in catalog.procedure_list(q=step.procedure_q).filter(code__isnull=False):
        version = catalog.current(p)
        if version is not None:
            version.procedure = p
            found.append((step.url(procedure_q="", procedure=p.code or ""), version))
        if len(found) == SUGGESTIONS:
            break
    return found


def _focus(form: IntakeForm | None, applicant_search: ApplicantSearchForm,
           procedure_search: ProcedureSearchForm, source: Dossier | None,
           version: ProcedureVersion | None, matches: list[Any],
           suggestions: list[Any]) -> None:
    """Put the cursor where the officer goes on: the next thing to find or to fill."""
    if form is not None:
        if form.is_bound:
            return  # the error summary takes the focus
        first = "applicant_name" if not form.initial.get("applicant_name") else None
        if first:
            form.fields[first].widget.attrs["autofocus"] = True
        elif form.requirements:
            form.fields[f"received_{form.requirements[0].pk}"].widget.attrs["autofocus"] = True
        return
    if matches or suggestions:
        return  # the template puts it on the first match
    search = procedure_search if source is not None else applicant_search
    field = "procedure_q" if source is not None else "applicant_q"
    search.fields[field].widget.attrs["autofocus"] = True


def _live(search: ApplicantSearchForm | ProcedureSearchForm, field: str, target: str) -> None:
    """The matches of a search come as the officer types (htmx); Enter sends the search as a
    plain form, which is all a browser without script needs."""
    search.fields[field].widget.attrs.update({
        "hx-get": reverse("workspace:counter"), "hx-include": "closest form",
        "hx-trigger": "input changed delay:300ms, search", "hx-target": f"#{target}",
        "hx-select": f"#{target}", "hx-swap": "outerHTML", "hx-sync": "this:replace",
        "data-suggestions": target, "aria-controls": target,
    })


def _send(request: HttpRequest, user: User, form: IntakeForm,
          counter: Counter) -> HttpResponse | None:
    """Run the decision; the page to go to, or None to show the form with its errors."""
    decision = request.POST.get("decision", "receive")
    if decision not in DECISIONS:
        raise Http404(_("Unknown intake decision."))
    if not form.is_valid():
        return None
    form.check_decision(decision)
    if decision != "refuse" and not form.errors:
        take_national(user, form)
    for requirement_id, upload in form.scans().items():
        try:
            check_upload(upload)  # before anything is written; attach_file checks it again
        except UploadRejected as exc:
            form.add_error(f"file_{requirement_id}", exc.detail)
    if form.errors:
        return None
    try:
        code = _intake(user, form, decision, {a.pk: a for a in counter.desks})
    except IdempotencyMismatch:
        form.add_error(None, _("This form was already sent with other values. Start again "
                               "to receive another dossier."))
        return None
    except DomainError as exc:
        field_error(form, exc, FIELD_OF_ERROR)
        return None
    return htmx_redirect(request, reverse("workspace:counter-done", kwargs={"code": code}))


NATIONAL_PURPOSE = "Tiếp nhận hồ sơ tại Bộ phận Một cửa (khai thác giấy tờ từ CSDL quốc gia)"


def take_national(user: User, form: IntakeForm) -> None:
    """Look up, in its national database, each component the officer ticked to take from
    there (before the intake's transaction: the exchange log keeps every lookup); each one
    that cannot be taken gets its reason next to its box, and the officer takes the paper."""
    data = form.cleaned_data
    for row in form.national_rows():
        assert row.national is not None
        source = row.requirement.national_source
        try:
            form.taken[row.requirement.pk] = national_documents.take(
                source, id_number=data.get("applicant_id_number") or "",
                tax_code=data.get("applicant_tax_code") or "", purpose=NATIONAL_PURPOSE,
                officer=user)
        except NationalSystemUnavailable:
            form.add_error(row.national.name, _(
                "The %(database)s is not answering: take the paper document instead (untick "
                "this box and tick “Handed in”), or try again in a few minutes.")
                % {"database": national_documents.database_name(source)})
        except national_documents.NotTaken as exc:
            form.add_error(row.national.name, exc.message)


def _intake(user: User, form: IntakeForm, decision: str, desks: dict[int, Agency]) -> str:
    sub = form.submission(desks)
    if not policy.can_intake(user, sub.receiving_agency.pk):  # as the API's CounterIntake
        raise NotAllowed(_("Only a one-stop officer of the receiving unit may do this."))
    data = form.cleaned_data

    def create() -> tuple[int, dict[str, Any]]:
        dossier = actions.intake_at_counter(
            sub, officer=user, decision=decision, reason=data.get("reason") or "",
            missing=form.missing_items() if decision == "supplement" else None,
            duration_case=data.get("duration_case") or "",
            duration_reason=data.get("duration_reason") or "")
        scans = form.scans()
        if scans and dossier.status not in lifecycle.FINISHING:  # a refusal keeps no file
            policy.require_action(user, dossier, "attach_file")
            component_of = {c.requirement_id: c.pk for c in dossier.components.all()}
            for requirement_id, upload in scans.items():
                dossier = actions.perform(dossier, "attach_file", user, upload=upload,
                                          component_id=component_of[requirement_id])
        counter_identity.record(dossier, data.get("identity_check") or "")
        return 201, {"code": dossier.code}

    token = form.cleaned_data["token"]
    response = run_once(f"user:{user.pk}", f"counter:{token}", form.fingerprint(), create)
    return str(response.data["code"])


# What the done page says and prints, by the status the decision led to.
OUTCOMES = {
    Status.RECEIVED: "01",
    Status.SUPPLEMENT: "02",
    Status.REFUSED: "03",
}


@staff_required
def reception_done(request: HttpRequest, code: str) -> HttpResponse:
    """The dossier just taken at the counter, with the slip to print (Form 01, 02 or 03)."""
    dossier = visible(staff_member(request), code)
    form = OUTCOMES.get(dossier.status_enum, "")
    slip_url = reverse("dossier-slip", kwargs={"code": dossier.code, "form": form}) if form \
        else ""
    return render(request, "workspace/counter_done.html", {
        "dossier": dossier, "form_number": form, "slip_url": slip_url,
        "next_url": reverse("workspace:counter"),
    })
