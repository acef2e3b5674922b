"""Paging of every API list: `?limit=&offset=` with bounds, so that no number reaches the
database as a value it cannot hold (a 2^63 offset was a server error) and no page is unbounded.

`limit` above API_MAX_PAGE_SIZE is served as API_MAX_PAGE_SIZE (DRF's max_limit); a limit or
offset that is not a whole number from 0 to API_MAX_OFFSET is refused with 400 problem+json.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from motcua.core.errors import InvalidInput


def bounded_int(raw: str, *, name: str, maximum: int) -> int:
    """A whole number from 0 to `maximum` given as text, else InvalidInput naming `name`."""
    text = raw.strip()
    if not text.isdigit() or len(text) > len(str(maximum)) or int(text) > maximum:
        raise InvalidInput(
            _("%(name)s must be a whole number from 0 to %(max)s.")
            % {"name": name, "max": maximum}, code=name)
    return int(text)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self) -> int:  # type: ignore[override]  # a setting, read when used
        return int(settings.API_MAX_PAGE_SIZE)

    def get_limit(self, request: Request) -> int | None:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        limit = bounded_int(raw, name=self.limit_query_param, maximum=int(settings.API_MAX_OFFSET))
        return min(limit, self.max_limit) if limit > 0 else self.default_limit

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return bounded_int(raw, name=self.offset_query_param, maximum=int(settings.API_MAX_OFFSET))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """`limit` and `offset` with the bounds above (OpenAPI)."""
        most, page = int(settings.API_MAX_OFFSET), self.max_limit
        return [
            {"name": self.limit_query_param, "required": False, "in": "query",
             "description": f"Results per page (default {self.default_limit}; 0: the default); "
                            f"a page holds at most {page}, a larger limit is served as {page}.",
             "schema": {"type": "integer", "minimum": 0, "maximum": most}},
            {"name": self.offset_query_param, "required": False, "in": "query",
             "description": "How many results to skip (default 0).",
             "schema": {"type": "integer", "minimum": 0, "maximum": most}},
        ]
