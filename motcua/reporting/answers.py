"""What the index and statistics APIs answer for a query, once its reader is allowed: the
reporting API's (`reporting.api`, for staff and reporting systems) and the data-sharing API's
(`motcua.sharing`, for other agencies' systems) alike."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from motcua.reporting import selectors
from motcua.reporting.queries import Query
from motcua.reporting.serializers import StatisticsQuery, index_payload, table_payload
from motcua.reporting.statistics import Builder


def index_answer(query: Query, group: str | None = None) -> dict[str, Any]:
    """The scope's index for the period, in the national portal's evaluation shape (only the
    indicators of `group` if given)."""
    result = selectors.index(query.scope, query.period)
    times = selectors.processing_times(query.scope, query.period)
    return index_payload(result, times, group)


def table_answer(builder: Builder, query: Query, params: Mapping[str, Any]) -> dict[str, Any]:
    """A page of a statistics table (`limit` and `offset` of `params`, validated here)."""
    paging = StatisticsQuery(data=params)
    paging.is_valid(raise_exception=True)
    now = timezone.now()
    result = builder(query.scope, query.period, now)
    limit, offset = paging.validated_data["limit"], paging.validated_data["offset"]
    rows = list(itertools.islice(result.rows, offset, offset + limit))
    return table_payload(result, query.scope, query.period, min(now, query.period.end), rows,
                         limit, offset)
