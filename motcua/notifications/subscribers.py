"""What the notifications app does when another app publishes an event (see apps.py). Each
subscriber writes rows in the publisher's transaction: nothing for a rolled-back change,
nothing lost once it commits."""

from __future__ import annotations

from django.conf import settings

from motcua.dossiers.events import DossierChanged
from motcua.notifications import channels, delivery
from motcua.notifications.messages import compose, compose_sms, sms_number
from motcua.notifications.models import Channel, Notification
from motcua.processing.events import EscalationRaised


def queue_applicant_notice(event: DossierChanged) -> None:
    """The applicant notice of the action (its registry entry's `notice`): by email when the
    applicant gave an address; by SMS to their phone for the key notices
    (settings.NOTIFICATION_SMS_KINDS); in the citizen app, by their ID number, when they filed
    online (settings.NOTIFICATION_APP). A channel without an adapter in this deployment is
    skipped. `manage.py deliver` sends them."""
    d = event.dossier
    if not event.notice:
        return
    subject, body = compose(d, event.notice)

    def send(channel: str, recipient: str, text: str) -> None:
        delivery.queue(channel=channel, recipient=recipient, kind=event.notice,
                       cause=delivery.timeline_cause(event.timeline.pk), subject=subject,
                       body=text, now=event.at, dossier=d)

    if d.applicant_email:
        send(Channel.EMAIL, d.applicant_email, body)
    phone = sms_number(d.applicant_phone)
    if phone and event.notice in settings.NOTIFICATION_SMS_KINDS \
            and channels.is_available(Channel.SMS):
        send(Channel.SMS, phone, compose_sms(d, event.notice))
    if settings.NOTIFICATION_APP and d.account_id and d.applicant_id_number \
            and channels.is_available(Channel.APP):
        send(Channel.APP, d.applicant_id_number, body)


def notify_staff_of(event: EscalationRaised) -> None:
    """The in-app notices of a deadline warning, one per recipient."""
    Notification.objects.bulk_create(
        Notification(user=user, dossier=event.dossier, kind=event.kind, text=event.text,
                     created_at=event.at)
        for user in event.recipients
    )
