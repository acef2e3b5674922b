"""Small queries that run on every request, compiled by the ORM once per process.

The ORM turns a queryset into SQL each time it is evaluated; for the one-row lookups every
API request makes (the user of a token, a staff member's roles) that compilation costs four to
five times running them (0.4–0.5 ms against 0.1 ms of CPU, docs/benchmarks.md). `Compiled`
keeps the SQL of a queryset built with a stand-in value and runs it with the real one, so the
queryset stays the one definition of the lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from motcua.core.formatting import utc_aware


class Compiled:
    def __init__(self, build: Callable[[Any], QuerySet[Any]], stand_in: Any) -> None:
        """`build(value)` gives the queryset for `value`; `stand_in` is a value of the same
        type that no real call uses and that appears nowhere else in the query."""
        self._build = build
        self._stand_in = stand_in
        self._sql: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def _is_stand_in(self, param: Any) -> bool:
        return type(param) is type(self._stand_in) and param == self._stand_in

    def statement(self, using: str = "default") -> tuple[str, tuple[Any, ...]]:
        if using not in self._sql:
            sql, params = self._build(self._stand_in).query.sql_with_params()
            if sum(map(self._is_stand_in, params)) != 1:
                raise RuntimeError(f"the stand-in {self._stand_in!r} is not one parameter of "
                                   f"{sql}")
            self._sql[using] = (sql, tuple(params))
        return self._sql[using]

    def rows(self, value: Any, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows for `value`, datetimes time-zone aware as the ORM gives them."""
        sql, params = self.statement(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [value if self._is_stand_in(p) else p for p in params])
            return [tuple(map(utc_aware, row)) for row in cursor.fetchall()]
