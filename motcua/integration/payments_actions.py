"""The state changes of online payments: starting one (the INIT message), acting on the
platform's confirm callback, and asking the platform about payments whose callback never came.

`confirm` is the only way a payment becomes paid or cancelled. It acts on a confirm message
only when its signature is right (the adapter's `read_callback`), its reference is known and
still pending, its amount is the payment's, it is fresh (PAYMENT_CALLBACK_MAX_AGE_SECONDS; a
message that answers our own status query may be old) and it was never acted on (a replay, or
the second of two concurrent duplicates, is refused: the dossier row lock serialises them and
the log's unique accepted message id is the last guard). A refused message is written to the
callback log with its reason, in its own transaction, and changes nothing else.

Paid: the dossier's timeline gets `pay_online` and `FeePaidOnline` is published (the portal
sync's update). Paid for a fee another attempt of the dossier had paid already (two payer pages
paid one after the other): the money came twice, so the attempt is `refund_due`, pointing at
the first, and nothing else changes (the fee counts once, the portal hears of it once).

`query_pending` (`manage.py query_payments`, every minute in `make run`) asks the platform about
each attempt still pending PAYMENT_QUERY_AFTER_SECONDS after it started (then again at that
interval, for PAYMENT_QUERY_MAX_HOURS) and acts on its answer through `confirm`: a callback that
arrives after all, or a second pass, finds the payment confirmed and changes nothing more.
`start` first asks about the dossier's own pending attempts, so that a payer whose first page
was paid is not sent to pay again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.core.events import publish
from motcua.dossiers import actions as dactions
from motcua.dossiers.models import Dossier, Status
from motcua.integration.events import FeePaidOnline
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.models.payments import OBLIGATION, Payment, PaymentCallback
from motcua.integration.payments import (
    Confirmation,
    FeeLine,
    InitMessage,
    InvalidCallback,
    ReceiptSection,
    gateway,
)
from motcua.integration.payments_selectors import owed
from motcua.org.models import User

log = logging.getLogger(__name__)
PENDING, SUCCEEDED = Payment.Status.PENDING, Payment.Status.SUCCEEDED
CALLBACK, QUERY = PaymentCallback.Via.CALLBACK, PaymentCallback.Via.QUERY
QUERY_BATCH = 200  # attempts asked about per pass


class NothingToPay(DomainError):
    code = "nothing_to_pay"


def new_reference(now: dt.datetime) -> str:
    """MC + yymmdd + 10 random hex digits: unique, and guesses lead nowhere."""
    return f"MC{timezone.localtime(now):%y%m%d}{secrets.token_hex(5).upper()}"


def receipt_section(d: Dossier, payment: Payment) -> ReceiptSection:
    return ReceiptSection(
        service=_("Fees and charges of an administrative procedure"),
        procedure=d.procedure_version.name, unit=d.handling_agency.name, dossier_code=d.code,
        payer=payment.payer_name,
        fees=tuple(FeeLine(line["name"], line["amount_vnd"]) for line in payment.lines))


def start(dossier: Dossier, payer: User, *, ip: str, return_url: str, notify_url: str,
          now: dt.datetime | None = None) -> tuple[Payment, str]:
    """A new attempt at paying what the dossier owes now (`payments_selectors.owed`); the
    address of the platform's page for the payer. NothingToPay when nothing is owed;
    NationalSystemUnavailable (the attempt marked failed) when the platform does not answer."""
    now = now or timezone.now()
    query_pending(now, dossier=dossier)  # a page of an earlier attempt may have been paid
    with transaction.atomic():
        d = dactions.lock(dossier)
        due = owed(d)
        if due is None:
            raise NothingToPay(_("Nothing is to be paid online for this dossier now."))
        payment = Payment.objects.create(
            reference=new_reference(now), dossier=d, agency_id=d.handling_agency_id,
            procedure_id=d.procedure_id, purpose=due.purpose,
            amount_vnd=due.amount_vnd,
            lines=[{"name": line.name, "amount_vnd": line.amount_vnd} for line in due.lines],
            payer=payer, payer_name=d.applicant_name, payer_ip=ip or None, started_at=now)
        audit.record(payer, "payment.start", payment, dossier=d.code,
                     amount_vnd=due.amount_vnd)
    message = InitMessage(reference=payment.reference, amount_vnd=payment.amount_vnd, time=now,
                          ip=ip, return_url=return_url, notify_url=notify_url,
                          receipt=receipt_section(d, payment))
    try:
        url = gateway().init(message)
    except NationalSystemUnavailable as error:
        Payment.objects.filter(pk=payment.pk, status=PENDING).update(
            status=Payment.Status.FAILED, error=str(error)[:2000], ended_at=timezone.now())
        raise
    return payment, url


@dataclass(frozen=True)
class CallbackResult:
    accepted: bool
    reason: str = ""
    payment: Payment | None = None


def confirm(payload: Mapping[str, Any], *, remote_addr: str | None,
            now: dt.datetime | None = None, via: str = CALLBACK) -> CallbackResult:
    """Act on one confirm message, or refuse it (see the module docstring). `via`: the
    platform's callback, or its answer to our status query."""
    now = now or timezone.now()
    reference = str(payload.get("reference", ""))[:64] if isinstance(payload, Mapping) else ""
    message_id = str(payload.get("messageId", ""))[:100] if isinstance(payload, Mapping) else ""
    try:
        c = gateway().read_callback(payload)
        reference, message_id = c.reference, c.message_id
        with transaction.atomic():
            payment = _apply(c, remote_addr, now, via)
    except InvalidCallback as refused:
        return _refuse(payload, refused.reason, reference, message_id, remote_addr, now, via)
    except IntegrityError:  # the same message accepted at the same instant by another worker
        return _refuse(payload, "replayed (concurrent)", reference, message_id, remote_addr,
                       now, via)
    return CallbackResult(True, payment=payment)


def _apply(c: Confirmation, remote_addr: str | None, now: dt.datetime, via: str) -> Payment:
    found = Payment.objects.filter(reference=c.reference).values_list("dossier_id",
                                                                      flat=True).first()
    if found is None:
        raise InvalidCallback("unknown reference")
    d = dactions.lock(found)  # the dossier first, as `start` does: one order, no deadlock
    payment = Payment.objects.select_for_update().get(reference=c.reference)
    if PaymentCallback.objects.filter(message_id=c.message_id,
                                      verdict=PaymentCallback.Verdict.ACCEPTED).exists():
        raise InvalidCallback("replayed")
    if payment.status != PENDING:
        raise InvalidCallback(f"the payment is already {payment.status}")
    if c.amount_vnd != payment.amount_vnd:
        raise InvalidCallback(f"amount {c.amount_vnd} differs from {payment.amount_vnd}")
    max_age = dt.timedelta(seconds=float(settings.PAYMENT_CALLBACK_MAX_AGE_SECONDS))
    if c.paid_at is not None and not (payment.started_at - dt.timedelta(minutes=5)
                                      <= c.paid_at <= now + dt.timedelta(minutes=5)):
        raise InvalidCallback("its time is outside the payment's")
    if via == CALLBACK and c.paid_at is not None and now - c.paid_at > max_age:
        raise InvalidCallback("stale")
    PaymentCallback.objects.create(
        received_at=now, remote_addr=remote_addr, reference=c.reference,
        message_id=c.message_id, verdict=PaymentCallback.Verdict.ACCEPTED, via=via,
        payload=dict(c.raw))
    payment.transaction_no = c.transaction_no[:40]
    payment.ended_at = now
    if not c.succeeded:
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status", "transaction_no", "ended_at"])
        audit.record(None, "payment.cancelled", payment, dossier=d.code)
        return payment
    payment.succeeded_at = c.paid_at or now
    first = (Payment.objects.filter(dossier=d, purpose=payment.purpose, status=SUCCEEDED)
             .exclude(pk=payment.pk).order_by("succeeded_at", "pk").first())
    if first is not None:  # this fee was paid already: the money came twice
        payment.status, payment.duplicate_of = Payment.Status.REFUND_DUE, first
        payment.save(update_fields=["status", "transaction_no", "ended_at", "succeeded_at",
                                    "duplicate_of"])
        audit.record(None, "payment.refund_due", payment, dossier=d.code,
                     amount_vnd=payment.amount_vnd, transaction_no=payment.transaction_no,
                     duplicate_of=first.reference)
        log.warning("payment %s of dossier %s paid a fee already paid by %s: to be refunded",
                    payment.reference, d.code, first.reference)
        return payment
    payment.status = SUCCEEDED
    payment.save(update_fields=["status", "transaction_no", "ended_at", "succeeded_at"])
    audit.record(None, "payment.succeeded", payment, dossier=d.code,
                 amount_vnd=payment.amount_vnd, transaction_no=payment.transaction_no)
    timeline = dactions.timeline_event(d, "pay_online", actor=None, now=now,
                                       amount_vnd=payment.amount_vnd,
                                       reference=payment.reference)
    publish(FeePaidOnline(dossier=d, payment=payment, at=now, timeline=timeline))
    if payment.purpose.startswith(OBLIGATION) and d.status == Status.PAYING:
        dactions.perform_locked(d, "confirm_payment", None, now=now,
                                reference=payment.reference)
    return payment


def _refuse(payload: Mapping[str, Any], reason: str, reference: str, message_id: str,
            remote_addr: str | None, now: dt.datetime, via: str) -> CallbackResult:
    log.warning("payment %s refused (%s): reference %r, message %r, from %s", via, reason,
                reference, message_id, remote_addr)
    kept = {k: v for k, v in payload.items() if isinstance(k, str)} \
        if isinstance(payload, Mapping) else {"body": str(payload)[:500]}
    PaymentCallback.objects.create(
        received_at=now, remote_addr=remote_addr, reference=reference, message_id=message_id,
        verdict=PaymentCallback.Verdict.REFUSED, reason=reason[:300], via=via,
        payload=_json_safe(kept))
    return CallbackResult(False, reason)


QUERY_OUTCOMES = ("confirmed", "refused", "pending", "unknown", "unavailable")


def query_pending(now: dt.datetime | None = None, *, dossier: Dossier | None = None
                  ) -> dict[str, int]:
    """Ask the platform about the attempts still pending (see the module docstring), at most
    QUERY_BATCH a pass, the least recently asked first; with `dossier`, about that dossier's
    pending attempts however recent. Counts by outcome: confirmed (paid or cancelled),
    refused (an answer that failed the checks, logged), pending, unknown (the platform never
    got the INIT: the attempt failed), unavailable (asked again next time)."""
    now = now or timezone.now()
    interval = dt.timedelta(seconds=float(settings.PAYMENT_QUERY_AFTER_SECONDS))
    rows = Payment.objects.filter(status=PENDING)
    if dossier is not None:
        rows = rows.filter(dossier=dossier)
    else:
        oldest = now - dt.timedelta(hours=float(settings.PAYMENT_QUERY_MAX_HOURS))
        rows = rows.filter(started_at__lte=now - interval, started_at__gte=oldest).filter(
            Q(queried_at__isnull=True) | Q(queried_at__lte=now - interval))
    counts = dict.fromkeys(QUERY_OUTCOMES, 0)
    for payment in rows.order_by(F("queried_at").asc(nulls_first=True), "started_at",
                                 "pk")[:QUERY_BATCH]:
        counts[_query(payment, now)] += 1
    return counts


def _query(payment: Payment, now: dt.datetime) -> str:
    Payment.objects.filter(pk=payment.pk).update(queried_at=now)
    try:
        answer = gateway().query(payment.reference, now)
    except NationalSystemUnavailable as error:
        log.info("payment status query of %s: %s", payment.reference, error)
        return "unavailable"
    if not answer.known:
        failed = Payment.objects.filter(pk=payment.pk, status=PENDING).update(
            status=Payment.Status.FAILED, ended_at=now,
            error="status query: the payment platform has no payment with this reference "
                  "(the INIT never reached it; the payer never saw its page)")
        if failed:
            audit.record(None, "payment.failed", payment, dossier=payment.dossier.code)
        return "unknown"
    if answer.confirmation is None:
        return "pending"
    if not Payment.objects.filter(pk=payment.pk, status=PENDING).exists():
        return "confirmed"  # its callback came meanwhile
    result = confirm(answer.confirmation, remote_addr=None, now=now, via=QUERY)
    return "confirmed" if result.accepted else "refused"


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k)[:100]: _json_safe(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [_json_safe(v) for v in value[:50]]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)[:500]
