"""What the notifications app does when another app publishes an event (see apps.py). Each
subscriber writes rows in the publisher's transaction: nothing for a rolled-back change,
nothing lost once it commits."""

from __future__ import annotations

from motcua.dossiers.events import DossierChanged
from motcua.notifications import delivery
from motcua.notifications.applicants import queue_notice
from motcua.notifications.messages import compose, compose_sms
from motcua.notifications.models import Notification
from motcua.processing.events import EscalationRaised


def queue_applicant_notice(event: DossierChanged) -> None:
    """The applicant notice of the action (its registry entry's `notice`), on the channels
    that reach the applicant (applicants.queue_notice: email, SMS for the key notices, the
    citizen app for online filers), under the action's timeline event."""
    d = event.dossier
    if not event.notice:
        return
    subject, body = compose(d, event.notice)
    queue_notice(d, kind=event.notice, cause=delivery.timeline_cause(event.timeline.pk),
                 subject=subject, body=body, sms=lambda: compose_sms(d, event.notice),
                 now=event.at)


def notify_staff_of(event: EscalationRaised) -> None:
    """The in-app notices of a deadline warning, one per recipient."""
    Notification.objects.bulk_create(
        Notification(user=user, dossier=event.dossier, kind=event.kind, text=event.text,
                     created_at=event.at)
        for user in event.recipients
    )
