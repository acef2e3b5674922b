"""The citizen portal's pages: the catalogue (home), a procedure, public tracking by dossier code
(the address in Form 01's QR), and the signed-in citizen's dossiers.

Views read through the domain apps' selectors and policy (catalog.selectors for the search and
the procedure, dossiers.policy for whose dossiers) and render; the rules stay there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.catalog.fees import FeeTotals
from motcua.catalog.fees import totals as fee_totals
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import NotFound
from motcua.core.ratelimit import public_lookup_refused
from motcua.dossiers import policy
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import tracking_payload
from motcua.org.models import Agency
from motcua.portal.forms import MAX_CODE_LENGTH, ProcedureSearchForm, TrackingForm
from motcua.portal.submission import offered_online

PROCEDURES_PER_PAGE = 10
DOSSIERS_PER_PAGE = 20


@dataclass(frozen=True)
class ProcedureRow:
    """A procedure of the list with its version in force (None: none in force today)."""

    procedure: Procedure
    version: ProcedureVersion | None
    fees: FeeTotals


def row(procedure: Procedure) -> ProcedureRow:
    version = catalog.current(procedure)
    return ProcedureRow(procedure, version, fee_totals(version))


def home(request: HttpRequest) -> HttpResponse:
    """The catalogue, searched without regard to diacritics, filtered and paginated. The same
    page answers htmx (the results update as one types): htmx keeps the parts it needs."""
    sectors = [s for s in catalog.sector_list() if s.procedure_count]  # type: ignore[attr-defined]
    form = ProcedureSearchForm(request.GET or None, sectors=sectors,
                               agency_kinds=catalog.agency_kinds())
    filters = form.filters()
    page = Paginator(catalog.procedure_list(**filters), PROCEDURES_PER_PAGE).get_page(
        request.GET.get("page"))
    rows = [row(p) for p in page]
    return render(request, "portal/home.html", {
        "form": form, "page": page, "rows": rows,
        "searched": any(v for v in filters.values()),
    })


def procedure(request: HttpRequest, ref: str) -> HttpResponse:
    """Everything public about a procedure (DOMAIN.md §3), as in force today."""
    try:
        proc, version = catalog.procedure_detail(ref)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if proc.code and ref != proc.code:
        return redirect("portal:procedure", ref=proc.code, permanent=True)
    return render(request, "portal/procedure.html", {
        "procedure": proc, "version": version,
        "components": list(version.components.all()),
        "fees": list(version.fees.all()),
        "fee_totals": fee_totals(version),
        "cases": version.cases(),
        "unconfirmed": set(version.unconfirmed or []),
        "handling_agency_kind": dict(Agency.Kind.choices).get(version.handling_agency_kind, ""),
        "offered_online": offered_online(proc, version),
    })


def tracking(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public status of a dossier by its code: no sign-in, no personal data beyond the masked
    name (dossiers.serializers.tracking_payload, as the API)."""
    query = request.GET.get("code", "").strip()
    if query and not code and "/" not in query:
        return redirect("portal:tracking-code", code=query[:MAX_CODE_LENGTH])
    # a dossier code never holds a slash (the address could not carry it): none found
    code = (code or query)[:MAX_CODE_LENGTH]
    if not code:
        form = TrackingForm({"code": ""}) if "code" in request.GET else TrackingForm()
        if form.is_bound:  # the form sent empty: its error
            form.is_valid()
        return render(request, "portal/tracking.html", {"form": form})
    if (wait := public_lookup_refused(request)) is not None:
        response = render(request, "portal/tracking.html",
                          {"form": TrackingForm(initial={"code": code}), "wait": wait},
                          status=429)
        response["Retry-After"] = str(wait)
        return response
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first()
    if dossier is None:
        form = TrackingForm({"code": code})  # kept as typed, to correct it
        form.is_valid()
        form.add_error("code", _("No dossier with this code."))
        return render(request, "portal/tracking.html", {"form": form}, status=404)
    return render(request, "portal/tracking.html",
                  {"form": TrackingForm(), "found": tracking_payload(dossier)})


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers the signed-in person may read (dossiers.policy: for a citizen, those filed
    from the account and those filed for them), the newest first."""
    dossiers = (policy.visible_dossiers(request.user).select_related("procedure")
                .order_by("-submitted_at", "-pk"))
    page = Paginator(dossiers, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/my_dossiers.html", {"page": page})
