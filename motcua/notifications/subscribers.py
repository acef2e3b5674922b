"""What the notifications app does when another app publishes an event (see apps.py). Each
subscriber writes rows in the publisher's transaction: nothing for a rolled-back change,
nothing lost once it commits."""

from __future__ import annotations

from motcua.dossiers.events import DossierChanged
from motcua.notifications import delivery
from motcua.notifications.messages import compose
from motcua.notifications.models import Channel, Notification
from motcua.processing.events import EscalationRaised


def queue_applicant_notice(event: DossierChanged) -> None:
    """The applicant notice of the action (its registry entry's `notice`), by email when the
    applicant gave an address; `manage.py deliver` sends it."""
    d = event.dossier
    if not (event.notice and d.applicant_email):
        return
    subject, body = compose(d, event.notice)
    delivery.queue(channel=Channel.EMAIL, recipient=d.applicant_email, kind=event.notice,
                   cause=delivery.timeline_cause(event.timeline.pk), subject=subject, body=body,
                   now=event.at, dossier=d)


def notify_staff_of(event: EscalationRaised) -> None:
    """The in-app notices of a deadline warning, one per recipient."""
    Notification.objects.bulk_create(
        Notification(user=user, dossier=event.dossier, kind=event.kind, text=event.text,
                     created_at=event.at)
        for user in event.recipients
    )
