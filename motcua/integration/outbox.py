"""The transactional outbox of messages to national systems, and its delivery worker.

Writing. A subscriber to a domain event calls `queue` in the publisher's transaction: one
`OutboxMessage` row, nothing for a rolled-back change, nothing lost once it commits. Its `key`
is the idempotency key the receiving system deduplicates on (unique here too: a replayed cause
writes nothing more). Its `stream` (a dossier, a procedure) orders it: a message is sent only
when every earlier message of its stream was delivered, so a later message never overtakes an
earlier undelivered one, not even one waiting for its retry or dead (which then holds its
stream until an administrator retries it).

Sending (`run_pass`, run by `manage.py deliver_outbox --loop`), batch by batch, as
notifications.delivery does (same leases, same guards; the shared parts are core.retry):

1. claim, in one short transaction: pending rows that are due and head their stream, and
   `sending` rows whose lease ran out (their worker died), locked with
   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so that workers on several machines take
   disjoint rows (on SQLite the IMMEDIATE transaction serializes the claims: several workers
   are safe, one is enough); set to `sending`, `lease_until = now + OUTBOX_LEASE_SECONDS`,
   `claimed_by` this worker, one more attempt. At most one row per stream per claim.
2. send the batch to its system's adapter in one request, outside any transaction;
3. mark the rows in one short transaction, guarded by `claimed_by` and `lease_until`: a
   worker whose lease ran out and whose rows another worker took over changes nothing.
   Delivered (and the system's `on_delivered` hook, e.g. the dossier's portal sync state), or
   pending again after an exponential backoff, or dead after OUTBOX_MAX_ATTEMPTS attempts (at
   once when the system refused the message itself: it will not get better by retrying).

At least once, deduplicated by the receiver. A worker that dies after the system took the
batch and before the mark commits leaves its rows `sending`; after the lease another worker
sends them again with the same keys, and the receiver answers "already had it". A lost answer
(the system did the work, the reply never arrived) is the same case without a death.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from motcua.core import retry
from motcua.core.retry import new_worker_id
from motcua.dossiers.models import Dossier
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.models import OutboxMessage

log = logging.getLogger(__name__)

Status = OutboxMessage.Status
MAX_BATCHES_PER_PASS = 50  # a pass ends within bounds so that the loop can stop between them
BATCH_DELETE = 10_000
ERROR_CHARS = 2000
OUTCOMES = ("delivered", "retry", "dead", "late", "overtaken")

__all__ = ["new_worker_id", "queue", "run_pass", "claim", "retry_dead", "prune_delivered",
           "register", "System"]


@dataclass(frozen=True)
class System:
    """How the outbox reaches one national system.

    `send(rows)` sends a batch and returns, per key, "" when the system has the message (new
    or a duplicate it already had) or the reason it refused it for good; it raises
    NationalSystemUnavailable (or anything else) when the batch may be retried as a whole.
    `on_delivered(rows, now)` runs in the transaction that marks them delivered."""

    send: Callable[[list[OutboxMessage]], dict[str, str]]
    on_delivered: Callable[[list[OutboxMessage], dt.datetime], None] | None = None


_SYSTEMS: dict[str, System] = {}


def register(name: str, system: System) -> None:
    """Called by the app of each system in AppConfig.ready."""
    _SYSTEMS[name] = system


def system(name: str) -> System:
    return _SYSTEMS[name]


def max_attempts() -> int:
    return int(settings.OUTBOX_MAX_ATTEMPTS)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.OUTBOX_LEASE_SECONDS))


def backoff(attempts: int) -> dt.timedelta:
    return retry.backoff(attempts, float(settings.OUTBOX_BACKOFF_SECONDS),
                         dt.timedelta(seconds=float(settings.OUTBOX_MAX_BACKOFF_SECONDS)))


# --- writing -------------------------------------------------------------------------------


def queue(*, system: str, kind: str, stream: str, key: str, now: dt.datetime,
          dossier: Dossier | None = None, event_id: int | None = None,
          payload: dict[str, object] | None = None) -> None:
    """Write the message in the caller's transaction (a replayed key writes nothing)."""
    if system not in _SYSTEMS:
        raise LookupError(f"no national system {system!r} registered with the outbox")
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(system=system, kind=kind, stream=stream, key=key, dossier=dossier,
                       event_id=event_id, payload=payload or {}, status=Status.PENDING,
                       next_attempt_at=now, created_at=now)],
        ignore_conflicts=True)


# --- sending -------------------------------------------------------------------------------


def claim(worker: str, now: dt.datetime, limit: int | None = None) -> list[OutboxMessage]:
    """Take up to `limit` rows for `worker` (module docstring, step 1)."""
    limit = limit or int(settings.OUTBOX_BATCH)
    lease_until = now + lease()
    earlier = OutboxMessage.objects.filter(stream=OuterRef("stream"), id__lt=OuterRef("id")
                                           ).exclude(status=Status.DELIVERED)
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update(skip_locked=True)
        expired = list(locked.filter(status=Status.SENDING, lease_until__lte=now)
                       .order_by("id")[:limit])
        pending = list(locked.filter(status=Status.PENDING, next_attempt_at__lte=now)
                       .exclude(Exists(earlier)).order_by("id")[:limit - len(expired)]
                       ) if len(expired) < limit else []
        spent = [m for m in expired if m.attempts >= max_attempts()]
        if spent:  # its worker died on the last attempt
            OutboxMessage.objects.filter(pk__in=[m.pk for m in spent]).update(
                status=Status.DEAD, lease_until=None, claimed_by="",
                last_error=f"lease expired on attempt {max_attempts()} (worker gone)")
        rows = [m for m in expired if m.attempts < max_attempts()] + pending
        OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
            status=Status.SENDING, lease_until=lease_until, claimed_by=worker,
            attempts=F("attempts") + 1)
    for m in rows:
        m.status, m.lease_until, m.claimed_by = Status.SENDING, lease_until, worker
        m.attempts += 1
    rows.sort(key=lambda m: m.pk)
    return rows


def run_pass(now: dt.datetime | None = None, *, worker: str | None = None,
             batch: int | None = None) -> dict[str, int]:
    """Deliver what is due, batch after batch while there is some; returns how many messages
    were delivered, put back for a retry, made dead letters, given back unsent because too
    little of their lease remained ("late"), or delivered after another worker took them over
    ("overtaken"). `now`: a fixed (fake) clock."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    worker = worker or new_worker_id()
    counts = dict.fromkeys(OUTCOMES, 0)
    for _batch in range(MAX_BATCHES_PER_PASS):
        rows = claim(worker, clock(), batch)
        if not rows:
            break
        by_system: dict[str, list[OutboxMessage]] = defaultdict(list)
        for m in rows:
            by_system[m.system].append(m)
        for name, messages in by_system.items():
            for outcome, n in _deliver(name, messages, clock).items():
                counts[outcome] += n
    return counts


def _deliver(name: str, rows: list[OutboxMessage], clock: Callable[[], dt.datetime]
             ) -> dict[str, int]:
    lease_until = rows[0].lease_until
    assert lease_until is not None  # noqa: S101 - set by claim()
    if clock() > lease_until - lease() / 2:
        # A send starts only while half the lease remains (the request's timeout is below it),
        # so that it ends before another worker may claim the rows.
        _release(rows)
        return {"late": len(rows)}
    try:
        results = system(name).send(rows)
    except Exception as exc:  # the whole batch: retried later, the worker goes on
        level = logging.INFO if isinstance(exc, NationalSystemUnavailable) else logging.WARNING
        log.log(level, "outbox: %s messages to %s failed: %s", len(rows), name, exc)
        return _mark_failed(rows, clock(), f"{type(exc).__name__}: {exc}")
    done = [m for m in rows if results.get(m.key) == ""]
    refused = [m for m in rows if results.get(m.key)]
    unanswered = [m for m in rows if m.key not in results]
    counts: dict[str, int] = defaultdict(int)
    if done:
        delivered = _mark_delivered(name, done, clock())
        counts["delivered"] += delivered
        counts["overtaken"] += len(done) - delivered
    for m in refused:
        for k, v in _mark_failed([m], clock(), f"refused: {results[m.key]}",
                                 permanent=True).items():
            counts[k] += v
    if unanswered:
        for k, v in _mark_failed(unanswered, clock(), "no answer for this message").items():
            counts[k] += v
    return dict(counts)


def _claimed(rows: Iterable[OutboxMessage]) -> QuerySet[OutboxMessage]:
    rows = list(rows)
    return OutboxMessage.objects.filter(
        pk__in=[m.pk for m in rows], status=Status.SENDING, claimed_by=rows[0].claimed_by,
        lease_until=rows[0].lease_until)


def _mark_delivered(name: str, rows: list[OutboxMessage], now: dt.datetime) -> int:
    """How many were still this claim's (the others were taken over: left alone)."""
    with transaction.atomic():
        mine = set(_claimed(rows).select_for_update().values_list("pk", flat=True))
        if not mine:
            return 0
        OutboxMessage.objects.filter(pk__in=mine).update(
            status=Status.DELIVERED, delivered_at=now, lease_until=None, last_error="")
        hook = system(name).on_delivered
        if hook is not None:
            hook([m for m in rows if m.pk in mine], now)
    if len(mine) < len(rows):
        log.warning("outbox: %s messages were delivered after another worker took them over",
                    len(rows) - len(mine))
    return len(mine)


def _mark_failed(rows: list[OutboxMessage], now: dt.datetime, error: str, *,
                 permanent: bool = False) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    by_attempts: dict[int, list[OutboxMessage]] = defaultdict(list)
    for m in rows:
        by_attempts[m.attempts].append(m)
    with transaction.atomic():
        for attempts, group in by_attempts.items():
            final = permanent or attempts >= max_attempts()
            updated = _claimed(group).update(
                status=Status.DEAD if final else Status.PENDING,
                next_attempt_at=now + backoff(attempts), lease_until=None, claimed_by="",
                last_error=error[:ERROR_CHARS])
            counts["dead" if final else "retry"] += updated
            counts["overtaken"] += len(group) - updated
    return dict(counts)


def _release(rows: list[OutboxMessage]) -> None:
    """Give back claimed rows that were not tried: due again at once, the attempt uncounted."""
    with transaction.atomic():
        _claimed(rows).update(status=Status.PENDING, attempts=F("attempts") - 1,
                              lease_until=None, claimed_by="")


# --- administration and housekeeping -------------------------------------------------------


def retry_dead(queryset: QuerySet[OutboxMessage], now: dt.datetime) -> int:
    """A fresh round of attempts for the dead letters among `queryset`, due at once."""
    return queryset.filter(status=Status.DEAD).update(
        status=Status.PENDING, attempts=0, next_attempt_at=now, lease_until=None,
        claimed_by="")


def prune_delivered(now: dt.datetime) -> int:
    """Delete messages delivered more than OUTBOX_KEEP_DAYS ago (pending and dead ones stay).
    Deleting a delivered message cannot send it again: its cause happens once, and a
    delivered message never holds back its stream."""
    cutoff = now - dt.timedelta(days=int(settings.OUTBOX_KEEP_DAYS))
    removed = 0
    while True:
        batch = list(OutboxMessage.objects.filter(status=Status.DELIVERED,
                                                  delivered_at__lt=cutoff)
                     .values_list("pk", flat=True)[:BATCH_DELETE])
        if not batch:
            return removed
        removed += OutboxMessage.objects.filter(pk__in=batch).delete()[0]
