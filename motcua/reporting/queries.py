"""The one reading of a statistics or index query (the API's, the dashboard's and the export
task's): the period (it must have begun) and the scope (an agency, a commune, the province,
and a sector), validated by the index's query serializer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.reporting import selectors
from motcua.reporting.periods import MONTH, QUARTER, Period
from motcua.reporting.selectors import Scope
from motcua.reporting.serializers import IndexQuery

QUERY_KEYS = ("timeType", "year", "quarter", "month", "rootDepartmentId", "sectorId")


@dataclass(frozen=True)
class Query:
    scope: Scope
    period: Period
    params: dict[str, Any]  # the query's own keys, as given (for links and export jobs)
    group: str | None = None  # the index's: only this group's indicators


def started(period: Period) -> Period:
    if not period.has_started(timezone.now()):
        raise InvalidInput(_("The period %(period)s has not begun yet.")
                           % {"period": period.label()}, code="period_not_begun")
    return period


def read_query(params: Mapping[str, Any]) -> Query:
    """Raises DRF's ValidationError (400) for a malformed query, InvalidInput for an unknown
    unit or sector or a period not begun."""
    query = IndexQuery(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    period = started(data["period"])
    scope = selectors.resolve_scope(data.get("rootDepartmentId"), data.get("sectorId"))
    kept = {k: data[k] for k in QUERY_KEYS if data.get(k) not in (None, "")}
    return Query(scope, period, kept, data.get("group") or None)


def query_of(period: Period, scope_code: str = "", sector_id: int | None = None
             ) -> dict[str, Any]:
    """The query's keys for a period and a scope (the dashboard's links)."""
    params: dict[str, Any] = {"timeType": period.kind, "year": period.year}
    if period.kind == MONTH:
        params["month"] = period.number
    elif period.kind == QUARTER:
        params["quarter"] = period.number
    if scope_code:
        params["rootDepartmentId"] = scope_code
    if sector_id is not None:
        params["sectorId"] = sector_id
    return params


def relevant(params: Mapping[str, Any]) -> dict[str, Any]:
    """A page's query keeps the number of the chosen kind of period only (a form sends both
    the month and the quarter)."""
    kept = {k: v for k, v in params.items() if k in QUERY_KEYS and v not in (None, "")}
    kind = kept.get("timeType")
    for name, wanted in (("month", MONTH), ("quarter", QUARTER)):
        if kind != wanted:
            kept.pop(name, None)
    return kept
