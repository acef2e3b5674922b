"""Numbers that restart every 1 January: one series per key, bumped with one atomic upsert
inside the caller's transaction (as `codes`), so concurrent callers never share a number and a
rolled-back transaction gives its number back. Works on SQLite ≥ 3.35 and PostgreSQL.

The row of a series stays locked until the caller's transaction ends: callers take their
number last, when nothing else can fail slowly (PostgreSQL), and keep those transactions short.
"""

from __future__ import annotations

from django.db import connection

from motcua.dossiers.models import YearlySequence

_TABLE = YearlySequence._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (series, year, last) VALUES (%s, %s, 1) "  # noqa: S608
    f"ON CONFLICT (series, year) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def next_in_year(series: str, year: int) -> int:
    """The next number of `series` in `year` (1 for the first). Call inside an atomic block."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [series, year])
        return int(cursor.fetchone()[0])
