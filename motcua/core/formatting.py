"""How Motcua shows times and money to people: `hh:mm dd/mm/yyyy` in Vietnam time, VND."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The legal time of every deadline and of everything shown to people (DOMAIN.md §4).
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {value!r}")
    return value.astimezone(LOCAL_TZ)


def format_dt(value: datetime) -> str:
    """``hh:mm dd/mm/yyyy`` in Asia/Ho_Chi_Minh, e.g. ``14:05 12/02/2026``."""
    return local(value).strftime("%H:%M %d/%m/%Y")


def format_dt_or_blank(value: datetime | None) -> str:
    return format_dt(value) if value is not None else ""


def utc_aware(value: Any) -> Any:
    """A value read through a raw cursor, with its time zone as the ORM would give it: SQLite
    returns naive datetimes, in UTC. Anything else is returned as it is."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def iso_local(value: datetime | None) -> str | None:
    """ISO 8601 in Vietnam time, as the API renders every time (DRF's DateTimeField does the
    same); a naive value is UTC (SQLite through a raw cursor)."""
    if value is None:
        return None
    aware: datetime = utc_aware(value)
    return aware.astimezone(LOCAL_TZ).isoformat()


def format_vnd(value: int) -> str:
    """``1.250.000 ₫``: dot thousands separators, as Vietnamese documents write money."""
    return f"{value:,}".replace(",", ".") + " ₫"
