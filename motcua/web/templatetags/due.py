"""The tags of "why this due time" (web/includes/due_explanation.html): `{% load due %}`."""

from __future__ import annotations

from django import template

from motcua.dossiers.due import DueExplanation, explain_due
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import DetailRelations
from motcua.web.due import DueWords, due_words

register = template.Library()


@register.simple_tag
def due_explanation(dossier: Dossier, relations: DetailRelations | None = None
                    ) -> DueExplanation | None:
    """`{% due_explanation dossier as explanation %}`: for a page that has the dossier (read
    with its procedure version, as selectors.detail_by_code reads it) and, if it has them,
    the detail's rows (`relations`), which spare the statements."""
    return explain_due(dossier, relations)


@register.simple_tag
def due_words_of(explanation: DueExplanation | None) -> DueWords | None:
    return due_words(explanation) if explanation is not None else None
