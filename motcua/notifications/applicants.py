"""The channels of a notice to a dossier's applicant, the same for every notice: the dossier
changes of the lifecycle (subscribers.queue_applicant_notice) and those of higher apps (the
records app's signed result, records.result_notices), which call `queue_notice`.

- email, when the applicant gave an address;
- SMS to their phone, for the kinds named in settings.NOTIFICATION_SMS_KINDS only;
- the citizen app, by their ID number, when they filed online with an account
  (settings.NOTIFICATION_APP).

A channel without an adapter in this deployment is skipped (channels.py). The rows are written
in the caller's transaction (delivery.queue) and sent by `manage.py deliver`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from motcua.dossiers.models import Dossier
from motcua.notifications import channels, delivery
from motcua.notifications.messages import sms_number
from motcua.notifications.models import Channel


def queue_notice(d: Dossier, *, kind: str, cause: str, subject: str, body: str,
                 sms: Callable[[], str], now: dt.datetime) -> None:
    """Queue the notice `kind` of `d` on each channel its applicant is reached by. `cause`:
    one message per cause, channel and recipient (delivery.timeline_cause of the timeline
    event puts the "applicant notified" line under that event once sent); `sms`: the short
    text, made only when an SMS goes."""

    def send(channel: str, recipient: str, text: str) -> None:
        delivery.queue(channel=channel, recipient=recipient, kind=kind, cause=cause,
                       subject=subject, body=text, now=now, dossier=d)

    if d.applicant_email:
        send(Channel.EMAIL, d.applicant_email, body)
    phone = sms_number(d.applicant_phone)
    if phone and kind in settings.NOTIFICATION_SMS_KINDS and channels.is_available(Channel.SMS):
        send(Channel.SMS, phone, sms())
    if settings.NOTIFICATION_APP and d.account_id and d.applicant_id_number \
            and channels.is_available(Channel.APP):
        send(Channel.APP, d.applicant_id_number, body)
