"""What the notifications app does when another app publishes an event (see apps.py)."""

from __future__ import annotations

from django.db import transaction

from motcua.dossiers.events import DossierChanged
from motcua.notifications.tasks import notify_applicant


def notify_applicant_of(event: DossierChanged) -> None:
    """The applicant notice of the action (its registry entry's `notice`), once the change is
    committed (never for a rolled-back change)."""
    d = event.dossier
    if event.notice and d.applicant_email:
        dossier_id, kind, cause = d.pk, event.notice, event.timeline.pk
        transaction.on_commit(lambda: notify_applicant.enqueue(dossier_id, kind, cause))
