"""Template tags of the leaders' dashboard: who sees its menu entry, a query as a link's
query string, ratios as percentages, scores."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.org.models import HEADS, Agency
from motcua.reporting import policy, statistics
from motcua.workcalendar.rules import TZ
from motcua.workspace.access import held_roles, is_staff_member

register = template.Library()


COMMUNE_KINDS = (Agency.Kind.COMMUNE_CENTER, Agency.Kind.COMMUNE_PC)


@register.simple_tag(takes_context=True)
def reads_index(context: template.Context) -> bool:
    """Whether the menu offers the dashboard: a head or leader, or a province-level auditor
    or administrator (reporting.policy's readers), from the roles the page has read already
    (no query). The dashboard itself asks the policy."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return False
    return any(r.role in HEADS or (r.role in policy.PROVINCE_WIDE_READERS
                                   and r.agency.kind not in COMMUNE_KINDS)
               for r in held_roles(user))


@register.filter
def as_query(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@register.filter
def percent(ratio: float | None) -> str:
    """0.8333 → "83,3 %" (in the page's language); "" without a value."""
    if ratio is None:
        return ""
    return f"{number_format(100 * ratio, 1)} %"


@register.filter
def points(value: float | None) -> str:
    """A score with two decimals, in the page's language; "—" without one."""
    return "—" if value is None else number_format(value, 2)


@register.simple_tag
def cell_text(table: Any, position: int, value: Any) -> str:
    """A statistics table's cell as the page shows it: instants `hh:mm dd/mm/yyyy` in Vietnam
    time, days `dd/mm/yyyy`, ratios in percent, "no data" for a column not collected yet."""
    column = table.columns[position]
    if value is None:
        return str(_("no data")) if column.key in table.missing else ""
    if column.kind == statistics.INSTANT:
        return value.astimezone(TZ).strftime("%H:%M %d/%m/%Y")
    if column.kind == statistics.DATE:
        return value.strftime("%d/%m/%Y")
    if column.kind == statistics.RATIO:
        return percent(value)
    if column.kind == statistics.DAYS:
        return number_format(value, 2)
    return str(value)
