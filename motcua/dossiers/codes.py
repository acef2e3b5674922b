"""Dossier codes `<receiving unit code>-<YYMMDD>-<NNNN>` (DOMAIN.md §4).

The daily counter is bumped with one atomic upsert inside the caller's transaction, so
concurrent intakes never share a number, and a rolled-back intake gives its number back
(no gaps). Works on SQLite ≥ 3.35 and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from motcua.dossiers.models import DailySequence

_TABLE = DailySequence._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (agency_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
    f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def next_number(agency_code: str, day: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [agency_code, day])
        return int(cursor.fetchone()[0])


def format_code(agency_code: str, day: dt.date, number: int) -> str:
    width = max(4, len(str(number)))
    return f"{agency_code}-{day:%y%m%d}-{number:0{width}d}"


def allocate_code(agency_code: str, day: dt.date) -> str:
    """Call inside `transaction.atomic()`; the number is the day's next one for that unit."""
    return format_code(agency_code, day, next_number(agency_code, day))
