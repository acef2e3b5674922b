"""Index API: validate the query, check the policy, read, render. Nothing more.

- GET /api/v1/index: one unit's Decision 766 index for a month, a quarter or a year, in the
  national portal's evaluation API shape (DOMAIN.md §5);
- GET /api/v1/index/ranking: the communes or agencies by total score (a page of them);
- GET /api/v1/index/indicators: the registry (groups, indicators, maxima, caps, rules).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import InvalidInput
from motcua.core.schema import problem_response
from motcua.reporting import policy, selectors
from motcua.reporting.periods import Period
from motcua.reporting.serializers import (
    IndexQuery,
    IndexRankedUnitSerializer,
    IndexRegistrySerializer,
    IndexResponseSerializer,
    RankingQuery,
    index_payload,
    ranked_payload,
    registry_payload,
)

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
    if not period.has_started(timezone.now()):
        raise InvalidInput(_("The period %(period)s has not begun yet.")
                           % {"period": period.label()}, code="period_not_begun")
    return period


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
        query = IndexQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        period = _started(data["period"])
        scope = selectors.resolve_scope(data.get("rootDepartmentId"), data.get("sectorId"))
        policy.require_read(request.user, scope)
        result = selectors.index(scope, period)
        times = selectors.processing_times(scope, period)
        return Response(index_payload(result, times, data.get("group")))


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
