"""Index API: validate the query, check the policy, read, render. Nothing more.

- GET /api/v1/index: one unit's Decision 766 index for a month, a quarter or a year, in the
  national portal's evaluation API shape (DOMAIN.md §5);
- GET /api/v1/index/ranking: the communes or agencies by total score (a page of them);
- GET /api/v1/index/indicators: the registry (groups, indicators, maxima, caps, rules);
- GET /api/v1/statistics/<table>: a statistics table (statistics.py, report.py), a page of its
  rows; `.xlsx` or `.csv` after the name: the whole table as a file, streamed;
- GET /api/v1/statistics/report.xlsx: the periodic report on handling procedures (report.py).

The statistics are read by whoever may read the index of the same unit (policy.require_read).
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import NotFound
from motcua.core.schema import problem_response
from motcua.reporting import exports, policy, report, selectors
from motcua.reporting.answers import index_answer, table_answer
from motcua.reporting.jobs import context_lines
from motcua.reporting.periods import Period
from motcua.reporting.queries import read_query, started
from motcua.reporting.serializers import (
    IndexQuery,
    IndexRankedUnitSerializer,
    IndexRegistrySerializer,
    IndexResponseSerializer,
    RankingQuery,
    StatisticsQuery,
    StatisticsTableSerializer,
    ranked_payload,
    registry_payload,
)
from motcua.reporting.tables import CODES, TABLES

PROBLEMS = {
    400: problem_response(gettext_lazy(
        "Invalid query: a parameter is missing, out of its bounds or unknown, or the period "
        "has not begun (application/problem+json).")),
    401: problem_response(gettext_lazy(
        "Not authenticated (application/problem+json).")),
    403: problem_response(gettext_lazy(
        "The caller may not read this index (application/problem+json).")),
}


def _started(period: Period) -> Period:
    return started(period)


class IndexView(APIView):
    @extend_schema(
        tags=["index"], summary="A unit's Decision 766 service-quality index",
        parameters=[IndexQuery], responses={200: IndexResponseSerializer, **PROBLEMS},
        description=gettext_lazy(
            "The national portal's evaluation API shape: metrics with numerator, denominator, "
            "ratio, score and maximum; the six groups and the total out of 100. Read from the "
            "rollups, current with every dossier change. For heads and leaders of the unit, "
            "the province's leaders and auditors, and systems holding the reporting "
            "permission."),
    )
    def get(self, request: Request) -> Response:
        query = read_query(request.query_params)
        policy.require_read(request.user, query.scope)
        return Response(index_answer(query, query.group))


@extend_schema(
    tags=["index"], summary="The ranking of communes or agencies by their index",
    parameters=[RankingQuery], responses={200: IndexRankedUnitSerializer(many=True), **PROBLEMS},
)
class RankingView(generics.ListAPIView):
    serializer_class = IndexRankedUnitSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = RankingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        period = _started(data["period"])
        if data.get("sectorId") is not None:
            selectors.resolve_scope(None, data["sectorId"])  # an unknown sector: 400
        policy.require_rank(request.user)
        ranked = selectors.ranking(data["unitType"], period, sector_id=data.get("sectorId"))
        page = self.paginate_queryset(ranked)  # a list pages too
        assert page is not None
        return self.get_paginated_response([ranked_payload(r) for r in page])


class IndicatorsView(APIView):
    @extend_schema(
        tags=["index"], summary="The indicators of the index: groups, maxima, caps, rules",
        responses={200: IndexRegistrySerializer,
                   **{k: v for k, v in PROBLEMS.items() if k != 400}},
    )
    def get(self, request: Request) -> Response:
        policy.require_rank(request.user)
        return Response(registry_payload(selectors.indicator_registry()))


TABLE_PARAMETER = OpenApiParameter(
    "table", str, OpenApiParameter.PATH, enum=list(CODES),
    description=gettext_lazy("intake, status, late-units, late-officers, late-dossiers, "
                             "processing-times, rates, due (near or past the legal due time), "
                             "report-unit and report-sector (the periodic report's rows)."))


def _table(table: str) -> Any:
    builder = TABLES.get(table)
    if builder is None:
        raise NotFound(_("No statistics table has this name."))
    return builder


class StatisticsView(APIView):
    @extend_schema(
        tags=["statistics"], summary="A statistics table of dossier handling (a page of rows)",
        parameters=[TABLE_PARAMETER, StatisticsQuery],
        responses={200: StatisticsTableSerializer, **PROBLEMS,
                   404: problem_response(gettext_lazy("No statistics table has this name."))},
        description=gettext_lazy(
            "Read from the index's facts and rollups, current with every dossier change. For "
            "whoever may read the same unit's index."),
    )
    def get(self, request: Request, table: str) -> Response:
        builder = _table(table)
        query = read_query(request.query_params)
        policy.require_read(request.user, query.scope)
        return Response(table_answer(builder, query, request.query_params))


FILE_PARAMETER = OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(exports.FORMATS))


class StatisticsFileView(APIView):
    @extend_schema(
        tags=["statistics"], summary="A whole statistics table as Excel or CSV, streamed",
        parameters=[TABLE_PARAMETER, FILE_PARAMETER, IndexQuery],
        responses={(200, exports.CONTENT_TYPES[exports.XLSX]): OpenApiTypes.BINARY,
                   (200, "text/csv"): OpenApiTypes.BINARY, **PROBLEMS,
                   404: problem_response(gettext_lazy(
                       "No statistics table has this name, or the format is not xlsx or "
                       "csv."))},
        description=gettext_lazy(
            "CSV: UTF-8 with a byte-order mark. Written row by row in constant memory."),
    )
    def get(self, request: Request, table: str, fmt: str) -> HttpResponseBase:
        builder = _table(table)
        if fmt not in exports.FORMATS:
            raise NotFound(_("A statistics table comes as .xlsx or .csv."))
        query = read_query(request.query_params)
        policy.require_read(request.user, query.scope)
        now = timezone.now()
        result = builder(query.scope, query.period, now)
        return exports.response(result, fmt, context_lines(query, now),
                                exports.file_name(result, query.period.label(), fmt))


class HandlingReportView(APIView):
    @extend_schema(
        tags=["statistics"],
        summary="The periodic report on handling administrative procedures (Excel)",
        parameters=[IndexQuery],
        responses={(200, exports.CONTENT_TYPES[exports.XLSX]): OpenApiTypes.BINARY,
                   **PROBLEMS},
        description=gettext_lazy(
            "“Tình hình, kết quả giải quyết TTHC”: received (carried over, online, at the "
            "counter or by post), handled early, on time or late, pending in time or overdue; "
            "one sheet by unit, one by sector."),
    )
    def get(self, request: Request) -> HttpResponseBase:
        query = read_query(request.query_params)
        policy.require_read(request.user, query.scope)
        now = timezone.now()
        result = report.handling_report(query.scope, query.period, now)
        return report.workbook_response(result, now)
