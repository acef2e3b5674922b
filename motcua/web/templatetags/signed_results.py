"""The signed electronic results of a dossier, for its pages (workspace and portal)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.records import results
from motcua.records.models import ResultDocument, ResultState

register = template.Library()


@register.simple_tag
def results_of(d: Dossier) -> list[ResultDocument]:
    return results.results_of(d)


@register.simple_tag(takes_context=True)
def may_sign_result(context: dict[str, Any], d: Dossier, rows: list[ResultDocument]) -> bool:
    """Whether the page offers the leader to sign (or sign again) the dossier's result."""
    user = context["request"].user
    if rows and rows[0].state == ResultState.SIGNED:
        return False
    return results.may_sign(user, d)
