"""The leaders' dashboard (issue 11): `/can-bo/chi-so/`.

The Decision 766 index of a unit for a month, a quarter or a year, its six groups and their
trend by month, the ranking of communes and agencies, charts of intake, on-time rate and online
rate (chart.js, from our static files; the numbers also as tables), the dossiers near or past
their legal due time with who holds them (a fragment the page reloads by itself), and the
statistics tables as Excel or CSV. Whoever may read the unit's index (reporting.policy) reads
its dashboard; a staff member who may read none is refused (403). Every read goes through
reporting's selectors, statistics and policy, as the API's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from motcua.core.errors import DomainError
from motcua.org.models import User
from motcua.reporting import dashboard, exports, jobs, policy, report, selectors, statistics
from motcua.reporting.indicators import GROUPS, classify
from motcua.reporting.models import Export
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period
from motcua.reporting.queries import Query, read_query, relevant
from motcua.reporting.tables import TABLES
from motcua.web.forms import DesignSystemForm
from motcua.workspace.access import staff_member, staff_required

DUE_ROWS = 20  # dossiers near or past due shown on the page (the export has them all)
EXPORTED = ("late-units", "late-officers", "late-dossiers", "due", "status", "intake",
            "rates", "processing-times", "report-unit", "report-sector")


class DashboardForm(DesignSystemForm):
    timeType = forms.ChoiceField(  # noqa: N815 - the API's name, so links share one query
        label=gettext_lazy("Period"),
        choices=[(MONTH, gettext_lazy("Month")), (QUARTER, gettext_lazy("Quarter")),
                 (YEAR, gettext_lazy("Year"))])
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), coerce=int, required=False,
                                   choices=[(m, m) for m in range(1, 13)])
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int, required=False,
                                     choices=[(q, q) for q in range(1, 5)])
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    rootDepartmentId = forms.ChoiceField(  # noqa: N815
        label=gettext_lazy("Unit"), required=False)

    def __init__(self, *args: Any, choices: list[dashboard.Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rootDepartmentId"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, c.name) for c in choices]
        self.fields["year"].widget.attrs.update({"class": "govuk-input--width-4",
                                                 "inputmode": "numeric"})

    def params(self) -> dict[str, Any]:
        """The query in the API's terms: only the number of the chosen kind of period."""
        data = self.cleaned_data
        kind = data["timeType"]
        params: dict[str, Any] = {"timeType": kind, "year": data["year"]}
        for name, wanted in (("month", MONTH), ("quarter", QUARTER)):
            if kind == wanted:
                if data.get(name) in (None, ""):
                    raise forms.ValidationError({name: _("Choose the %(what)s.")
                                                 % {"what": self.fields[name].label}})
                params[name] = data[name]
        if data.get("rootDepartmentId"):
            params["rootDepartmentId"] = data["rootDepartmentId"]
        return params


def _defaults(choices: list[dashboard.Choice], now: dt.datetime) -> dict[str, Any]:
    local = timezone.localtime(now)
    return {"timeType": MONTH, "month": local.month, "quarter": (local.month - 1) // 3 + 1,
            "year": local.year, "rootDepartmentId": choices[0].code}


def _choices(user: User) -> list[dashboard.Choice]:
    found = dashboard.choices(user)
    if not found:
        raise PermissionDenied(_("The dashboard is for the heads and leaders of a unit, the "
                                 "province's leaders and its auditors."))
    return found


def _query(request: HttpRequest, choices: list[dashboard.Choice]
           ) -> tuple[DashboardForm, Query | None]:
    """The page's form and, when it is valid and the reader may read that unit, the query."""
    now = timezone.now()
    data = {**_defaults(choices, now), **request.GET.dict()} if request.GET else None
    form = DashboardForm(data or _defaults(choices, now), choices=choices)
    if not form.is_valid():
        return form, None
    try:
        query = read_query(form.params())
    except forms.ValidationError as error:
        form.add_error(None, error)
        return form, None
    except ValidationError as error:
        for name, messages in (error.detail.items() if isinstance(error.detail, dict)
                               else [(None, error.detail)]):
            form.add_error(name if name in form.fields else None,
                           [str(m) for m in messages])
        return form, None
    except DomainError as error:
        form.add_error("year" if error.code == "period_not_begun" else "rootDepartmentId",
                       error.detail)
        return form, None
    if not policy.can_read(staff_member(request), query.scope):
        raise PermissionDenied(_("You may not read this unit's index."))
    return form, query


@require_GET
@staff_required
def page(request: HttpRequest) -> HttpResponse:
    choices = _choices(staff_member(request))
    form, query = _query(request, choices)
    context: dict[str, Any] = {"form": form, "query": query,
                               "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS}
    if query is not None:
        context.update(_figures(staff_member(request), query, timezone.now()))
    return render(request, "workspace/dashboard/page.html", context,
                  status=200 if query is not None or not form.errors else 400)


def _figures(user: User, query: Query, now: dt.datetime) -> dict[str, Any]:
    scope, period = query.scope, query.period
    result = selectors.index(scope, period, now=now)
    points = dashboard.trend(scope, period.year, now)
    online = dashboard.online_rates(scope, period.year)
    intake = statistics.intake(scope, period, now)
    charts: dict[str, Any] = {
        "trend": {
            "labels": [p.month.strftime("%m/%Y") for p in points],
            "series": [{"label": str(_("Total")), "values": [p.total for p in points]}]
            + [{"label": str(g.name), "values": [p.groups[i] for p in points]}
               for i, g in enumerate(GROUPS)],
            "max": 100,
        },
        "rates": {
            "labels": [p.month.strftime("%m/%Y") for p in points],
            "series": [
                {"label": str(_("On-time rate (2.1)")),
                 "values": [_percent(p.on_time) for p in points]},
                {"label": str(_("Online rate")),
                 "values": [_percent(_share(*online.get(p.month, (0, 0)))) for p in points]},
            ],
            "max": 100, "percent": True,
        },
        "intake": {
            "labels": [_day_label(row[0], period.kind) for row in intake.rows],
            "series": [{"label": str(c.label), "values": [row[i] for row in intake.rows]}
                       for i, c in enumerate(intake.columns[1:4], start=1)],
            "stacked": True,
        },
    }
    rankable = policy.can_rank(user)
    communes = dashboard.ranked(selectors.COMMUNE, period, now) if rankable else []
    agencies = dashboard.ranked(selectors.AGENCY, period, now) if rankable else []
    return {
        "index": result, "classification": classify(result.total),
        "groups": dashboard.group_views(result), "points": points, "online": online,
        "intake": intake, "charts": charts, "communes": communes, "agencies": agencies,
        "period_name": period_name(period), "rates_rows": list(zip(charts["rates"]["labels"],
                                                             charts["rates"]["series"][0]["values"],
                                                             charts["rates"]["series"][1]["values"],
                                                             strict=True)),
        "late_units": statistics.late_per_unit(scope, period, now),
        "exported": [(code, statistics.TITLES[code]) for code in EXPORTED],
        "params": query.params,
        **_due(query, now),
    }


def period_name(period: Period) -> str:
    if period.kind == MONTH:
        return _("month %(n)d/%(year)d") % {"n": period.number, "year": period.year}
    if period.kind == QUARTER:
        return _("quarter %(n)d of %(year)d") % {"n": period.number, "year": period.year}
    return _("year %(year)d") % {"year": period.year}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percent(ratio: float | None) -> float | None:
    return round(100 * ratio, 1) if ratio is not None else None


def _day_label(day: dt.date, kind: str) -> str:
    return day.strftime("%m/%Y") if kind == YEAR else day.strftime("%d/%m")


def _due(query: Query, now: dt.datetime) -> dict[str, Any]:
    table = statistics.due(query.scope, query.period, now)
    keys = [c.key for c in table.columns]
    rows = [dict(zip(keys, row, strict=True))
            for row in itertools.islice(table.rows, DUE_ROWS)]
    return {"due": table, "due_rows": rows, "due_at": now}


@require_GET
@staff_required
def live(request: HttpRequest) -> HttpResponse:
    """The dossiers near or past due: the fragment the page reloads by itself."""
    form, query = _query(request, _choices(staff_member(request)))
    if query is None:
        return HttpResponse(status=400)
    return render(request, "workspace/dashboard/due.html",
                  {"query": query, "params": query.params,
                   "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
                   **_due(query, timezone.now())})


# --- exports -------------------------------------------------------------------------------


def _export_query(request: HttpRequest, params: dict[str, Any]) -> Query:
    try:
        query = read_query(relevant(params))
    except (ValidationError, DomainError) as error:
        raise BadRequest(_("No such statistics for this period or unit.")) from error
    if not policy.can_read(staff_member(request), query.scope):
        raise PermissionDenied(_("You may not read this unit's index."))
    return query


@require_GET
@staff_required
def download(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """A statistics table as a file: streamed at once, or, above EXPORT_DIRECT_MAX_ROWS rows,
    a page offering to prepare it in the background."""
    builder = TABLES.get(table)
    if builder is None or fmt not in exports.FORMATS:
        raise Http404(_("No such statistics table or format."))
    query = _export_query(request, request.GET.dict())
    now = timezone.now()
    result = builder(query.scope, query.period, now)
    if result.count > settings.EXPORT_DIRECT_MAX_ROWS:
        return render(request, "workspace/dashboard/export_large.html",
                      {"table": result, "fmt": fmt, "params": query.params,
                       "query": query, "limit": settings.EXPORT_DIRECT_MAX_ROWS})
    return exports.response(result, fmt, jobs.context_lines(query, now),
                            exports.file_name(result, query.period.label(), fmt))


@require_GET
@staff_required
def report_workbook(request: HttpRequest) -> HttpResponseBase:
    query = _export_query(request, request.GET.dict())
    now = timezone.now()
    return report.workbook_response(report.handling_report(query.scope, query.period, now), now)


@require_POST
@staff_required
def start_export(request: HttpRequest) -> HttpResponse:
    table, fmt = request.POST.get("table", ""), request.POST.get("fmt", "")
    if table not in TABLES or fmt not in exports.FORMATS:
        raise Http404(_("No such statistics table or format."))
    query = _export_query(request, request.POST.dict())
    export = jobs.start_export(staff_member(request), table, fmt, query)
    return redirect("workspace:export", export_id=export.pk)


def _own_export(request: HttpRequest, export_id: uuid.UUID) -> Export:
    return get_object_or_404(Export, pk=export_id, requested_by=staff_member(request))


@require_GET
@staff_required
def export_status(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    """The export's progress: the page, or (htmx) its progress fragment."""
    export = _own_export(request, export_id)
    template = "workspace/dashboard/export_progress.html" if request.headers.get(
        "HX-Request") else "workspace/dashboard/export.html"
    percent = round(100 * export.rows_done / export.rows_total) if export.rows_total else 0
    return render(request, template, {"export": export, "percent": percent,
                                      "title": statistics.TITLES.get(export.table, "")})


@require_GET
@staff_required
def export_file(request: HttpRequest, export_id: uuid.UUID) -> FileResponse:
    export = _own_export(request, export_id)
    if export.state != Export.State.DONE or not export.file:
        raise Http404(_("The file is not ready."))
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file_name,
                        content_type=exports.CONTENT_TYPES[export.fmt])

