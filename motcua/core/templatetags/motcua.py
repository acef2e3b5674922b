from __future__ import annotations

from datetime import datetime

from django import template

from motcua.core.formatting import format_dt, format_vnd

register = template.Library()


@register.filter
def vn_datetime(value: datetime | None) -> str:
    return format_dt(value) if value else "—"


@register.filter
def vnd(value: int | None) -> str:
    return format_vnd(value) if value is not None else "—"
