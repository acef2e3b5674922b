"""The one-stop unit's pages: the staff menu's entries of that work, shown to whom it falls,
and how long a dossier has waited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from motcua.org.models import HEADS, AdministrativeUnit, Role
from motcua.records.certified import CERTIFIERS, COMMUNE_AGENCIES
from motcua.records.models import CertificationService
from motcua.workspace.access import held_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def one_stop_work(context: template.Context) -> dict[str, bool]:
    """What the signed-in person does at a receiving unit (a service center): receive and
    return results (its one-stop officers), route its dispatch queue (they and its heads)."""
    user: Any = context.get("user")
    if user is None or not user.is_authenticated:
        return {"intake": False, "dispatch": False}
    at_centers = {r.role for r in held_roles(user) if r.agency.receives_dossiers}
    return {"intake": Role.ONE_STOP_OFFICER in at_centers,
            "dispatch": bool(at_centers & {Role.ONE_STOP_OFFICER, *HEADS})}


@register.simple_tag(takes_context=True)
def certifies_copies(context: template.Context) -> bool:
    """Whether the signed-in person is an officer of a commune that certifies electronic
    copies from originals (the menu's entry; the page asks records.certified again)."""
    user: Any = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return any(r.role in CERTIFIERS and r.agency.kind in COMMUNE_AGENCIES
               and _offers(r.agency.unit) for r in held_roles(user))


def _offers(unit: AdministrativeUnit) -> bool:
    """The commune's setting, read with the roles (workspace.access.held_roles)."""
    try:
        return unit.certification_service.offered
    except CertificationService.DoesNotExist:
        return False


@register.filter
def waited(since: dt.datetime | None) -> str:
    """How long a dossier has waited since `since`, in words: "45 phút", "3 giờ",
    "2 ngày 4 giờ" (calendar time: the queue shows the applicant's wait, not the legal clock)."""
    if since is None:
        return ""
    minutes = max(0, int((timezone.now() - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if not days and not hours:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    parts = [ngettext("%(n)d day", "%(n)d days", days) % {"n": days}] if days else []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    return " ".join(parts)
