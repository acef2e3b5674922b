"""`{% portal_sync_state d as sync %}`: the dossier's sync with the national portal (1.4)."""

from __future__ import annotations

from django import template

from motcua.dossiers.models import Dossier
from motcua.integration.portal_sync import SyncState, state_of

register = template.Library()


@register.simple_tag
def portal_sync_state(dossier: Dossier) -> SyncState:
    return state_of(dossier)
