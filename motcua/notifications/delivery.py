"""Delivery of the messages to persons: a transactional outbox and its worker.

Writing. `queue` writes one `Delivery` row per message, channel and recipient inside the
transaction of the change that causes it, with the subject and body rendered then (what is sent
is what was true at that moment). A rolled-back change leaves no row; a committed one always
has its row, even if the process dies the next instant. A replayed cause writes nothing more
(unique cause + channel + recipient).

Sending (`run_pass`, run by `manage.py deliver --loop 1`), per batch:

1. claim, in one short transaction: rows that are due (pending and past `next_attempt_at`, or
   `sending` whose lease ran out because their worker died), locked with
   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (concurrent workers take disjoint rows; on
   SQLite the IMMEDIATE transaction serializes them), set to `sending` with
   `lease_until = now + DELIVERY_LEASE_SECONDS`, `claimed_by` = this worker and one more attempt;
2. send each row through its channel adapter outside any transaction and row lock (a slow
   mail server holds nothing in the database);
3. mark it in its own short transaction, guarded by `claimed_by` and the attempt number, so
   that a worker whose lease ran out and whose row another worker took over changes nothing:
   sent (and the "notify" event on the dossier's timeline, without locking the dossier), or
   pending again after an exponential backoff (DELIVERY_BACKOFF_SECONDS × 2^(attempt − 1)), or
   failed after DELIVERY_MAX_ATTEMPTS attempts or at once for a permanent failure.

Exactly once. Each row is sent once, except in one window: the process dies (or the database
is unreachable) after the adapter handed the message over and before the mark-sent commit. The
row is then still `sending`; when its lease runs out another pass sends it again (with the same
Message-ID, and one more attempt counted). A crash anywhere else loses nothing and sends nothing
twice: before the claim commits, the row stays pending; between the claim and the send, the row
is sent once after the lease; after the mark-sent commit, it is done. The lease must be longer
than the slowest send (the SMTP timeout): a worker starts a send only while half its lease
remains, and otherwise leaves the row to the next claim rather than send it late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from motcua.core import retry
from motcua.core.retry import new_worker_id
from motcua.dossiers import actions as dactions
from motcua.dossiers.models import Dossier
from motcua.notifications.channels import ChannelUnavailable, PermanentFailure, adapter_for
from motcua.notifications.models import Delivery
from motcua.org.models import User

log = logging.getLogger(__name__)

Status = Delivery.Status
BATCH = 100  # rows per claim: one short transaction each
BATCH_DELETE = 10_000  # rows per DELETE when pruning: short transactions
MAX_BATCHES_PER_PASS = 50  # a pass ends within bounds so that the loop can stop between them
MAX_BACKOFF = dt.timedelta(days=1)
ERROR_CHARS = 2000
TIMELINE_CAUSE = "dossier-event:"


def max_attempts() -> int:
    return int(settings.DELIVERY_MAX_ATTEMPTS)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.DELIVERY_LEASE_SECONDS))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: BACKOFF, 2×, 4×, … up to a day."""
    return retry.backoff(attempts, float(settings.DELIVERY_BACKOFF_SECONDS), MAX_BACKOFF)


def timeline_cause(event_id: int) -> str:
    return f"{TIMELINE_CAUSE}{event_id}"


# --- writing -------------------------------------------------------------------------------


def queue(*, channel: str, recipient: str, kind: str, cause: str, subject: str, body: str,
          now: dt.datetime, dossier: Dossier | None = None, user: User | None = None) -> None:
    """Write the row in the caller's transaction. Raises ChannelUnavailable for a channel that
    no adapter sends (see channels.py): never a row that nothing would send."""
    adapter_for(channel)
    Delivery.objects.bulk_create(
        [Delivery(channel=channel, recipient=recipient, kind=kind, cause=cause,
                  subject=subject[:300], body=body, dossier=dossier, user=user,
                  status=Status.PENDING, next_attempt_at=now, created_at=now)],
        ignore_conflicts=True,  # a replayed cause: its row is already there
    )


# --- sending -------------------------------------------------------------------------------


def claim(worker: str, now: dt.datetime, limit: int = BATCH) -> list[Delivery]:
    """Take up to `limit` due rows for `worker` (see the module docstring, step 1)."""
    lease_until = now + lease()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update(skip_locked=True)
        expired = list(locked.filter(status=Status.SENDING, lease_until__lte=now)
                       .order_by("lease_until")[:limit])
        pending = list(locked.filter(status=Status.PENDING, next_attempt_at__lte=now)
                       .order_by("next_attempt_at", "id")[:limit - len(expired)]
                       ) if len(expired) < limit else []
        spent = [d for d in expired if d.attempts >= max_attempts()]
        if spent:  # its worker died on the last attempt: the message may or may not have left
            Delivery.objects.filter(pk__in=[d.pk for d in spent]).update(
                status=Status.FAILED, lease_until=None, claimed_by="",
                last_error=f"lease expired on attempt {max_attempts()} (worker gone)")
        rows = [d for d in expired if d.attempts < max_attempts()] + pending
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
            status=Status.SENDING, lease_until=lease_until, claimed_by=worker,
            attempts=F("attempts") + 1)
    for d in rows:
        d.status, d.lease_until, d.claimed_by = Status.SENDING, lease_until, worker
        d.attempts += 1
    return rows


def mark_sent(d: Delivery, now: dt.datetime) -> bool:
    """False when the row is no longer this claim's (its lease ran out and another worker took
    it over): nothing is changed then."""
    with transaction.atomic():
        mine = _claimed(d).update(status=Status.SENT, sent_at=now, lease_until=None,
                                  last_error="")
        if mine and d.dossier_id is not None:
            _on_the_timeline(d, d.dossier_id, now)
    return bool(mine)


def mark_failed(d: Delivery, now: dt.datetime, error: str, *, permanent: bool = False) -> str:
    """Pending again after the backoff, or failed for good; returns the new status ("" when
    the row is no longer this claim's)."""
    final = permanent or d.attempts >= max_attempts()
    status = Status.FAILED if final else Status.PENDING
    with transaction.atomic():
        mine = _claimed(d).update(status=status, next_attempt_at=now + backoff(d.attempts),
                                  lease_until=None, claimed_by="",
                                  last_error=error[:ERROR_CHARS])
    return status if mine else ""


OUTCOMES = ("sent", "retry", "failed", "late", "overtaken")


def release(d: Delivery) -> None:
    """Give back a claimed row that was not tried: due again at once, the attempt uncounted."""
    with transaction.atomic():
        _claimed(d).update(status=Status.PENDING, attempts=F("attempts") - 1, lease_until=None,
                           claimed_by="")


def run_pass(now: dt.datetime | None = None, *, worker: str | None = None,
             batch: int = BATCH) -> dict[str, int]:
    """Send what is due; returns how many rows were sent, put back for a retry, failed, left
    unsent because too little of their lease remained ("late": given back, the next claim takes
    them), and
    sent after another worker took them over ("overtaken": a duplicate, see `_deliver`).
    `now`: a fixed (fake) clock."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    worker = worker or new_worker_id()
    counts = dict.fromkeys(OUTCOMES, 0)
    for _batch in range(MAX_BATCHES_PER_PASS):
        rows = claim(worker, clock(), batch)
        for d in rows:
            counts[_deliver(d, clock)] += 1
        if len(rows) < batch:
            break
    return counts


def _deliver(d: Delivery, clock: Callable[[], dt.datetime]) -> str:
    assert d.lease_until is not None  # noqa: S101 - set by claim()
    if clock() > d.lease_until - lease() / 2:
        # A send starts only while half the lease remains, so that one taking up to half the
        # lease (EMAIL_TIMEOUT is below it) ends before another worker may claim the row.
        release(d)
        return "late"
    try:
        adapter_for(d.channel).send(d)
    except (PermanentFailure, ChannelUnavailable) as exc:
        mark_failed(d, clock(), f"{type(exc).__name__}: {exc}", permanent=True)
        return "failed"
    except Exception as exc:  # the adapter's failure: retry later, the worker goes on
        log.warning("delivery %s (%s) attempt %s failed: %s", d.pk, d.channel, d.attempts, exc)
        status = mark_failed(d, clock(), f"{type(exc).__name__}: {exc}")
        outcomes: dict[str, str] = {Status.FAILED: "failed", Status.PENDING: "retry"}
        return outcomes.get(status, "overtaken")
    if not mark_sent(d, clock()):
        log.warning("delivery %s was sent after another worker took it over", d.pk)
        return "overtaken"
    return "sent"


def prune_sent(now: dt.datetime) -> int:
    """Delete messages sent more than DELIVERIES_KEEP_DAYS ago (their bodies hold personal
    data). Failed and pending rows stay: an administrator still has to see them. Deleting
    a sent row cannot send it again: a cause (a timeline event) happens once."""
    cutoff = now - dt.timedelta(days=settings.DELIVERIES_KEEP_DAYS)
    removed = 0
    while True:
        batch = list(Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__lt=cutoff)
                     .values_list("pk", flat=True)[:BATCH_DELETE])
        if not batch:
            return removed
        removed += Delivery.objects.filter(pk__in=batch).delete()[0]


def _claimed(d: Delivery) -> QuerySet[Delivery]:
    return Delivery.objects.filter(pk=d.pk, status=Status.SENDING, claimed_by=d.claimed_by,
                                   attempts=d.attempts)


def _on_the_timeline(d: Delivery, dossier_id: int, now: dt.datetime) -> None:
    """The "notify" event of today's timeline: read the dossier's status, lock nothing."""
    dossier = Dossier.objects.only("id", "status", "receiving_agency_id",
                                   "handling_agency_id").get(pk=dossier_id)
    for_event = (int(d.cause.removeprefix(TIMELINE_CAUSE))
                 if d.cause.startswith(TIMELINE_CAUSE) else None)
    dactions.timeline_event(dossier, "notify", actor=None, now=now, kind=d.kind,
                            for_event=for_event, channel=d.channel, delivery=d.pk)
