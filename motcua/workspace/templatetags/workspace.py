"""Template tags of the workspace: which menu entries the person has, the timing marks."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from motcua.dossiers.models import Status
from motcua.org.models import HEADS
from motcua.workspace.access import PROCESSING, STEP_HOLDERS, held_roles, is_staff_member
from motcua.workspace.labels import TIMING_TAGS

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_menu(context: template.Context) -> dict[str, bool]:
    """The parts of the workspace the signed-in person's roles open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"home": False, "worklist": False, "unit": False}
    roles = {r.role for r in held_roles(user)}
    # the start page sends those who process dossiers to their worklist (views.home)
    return {"home": not roles & PROCESSING, "worklist": bool(roles & STEP_HOLDERS),
            "unit": bool(roles & HEADS)}


@register.simple_tag
def timing_tag(timing: Any) -> SafeString:
    """The design system's tag of a timing mark (labels.TIMING_TAGS); nothing for none."""
    if timing not in TIMING_TAGS:
        return SafeString("")
    css, label = TIMING_TAGS[timing]
    return format_html('<strong class="govuk-tag {} motcua-timing">{}</strong>', css, label)


@register.filter
def status_name(status: Any) -> str:
    """A dossier status number in words."""
    try:
        return str(Status(int(status)).label)
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def once_key() -> str:
    """A fresh one-time key for a form (core.idempotency.run_first: a double submit acts
    once)."""
    return uuid.uuid4().hex
