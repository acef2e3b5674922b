"""Housekeeping: delete what is kept only for a while, so that tables do not grow forever.

- Idempotency records (core.idempotency): a client retries a request within minutes or hours;
  a record older than IDEMPOTENCY_KEEP_HOURS (default 72: a request sent on a Friday evening and
  retried on Monday morning still replays) is deleted. A key reused after that acts anew.
- Results of finished background tasks (django-tasks-db) older than TASK_RESULTS_KEEP_DAYS
  (default 30), through that package's own `prune_db_task_results`.
- Public-lookup counts (core.ratelimit, on the database) of minutes that are over: one row per
  client seen, so without this the table keeps every address that ever looked something up.
- What a higher app keeps only for a while: it registers its own pruning (`register`) in its
  AppConfig.ready, e.g. notifications' sent messages.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from motcua.core.models import IdempotencyRecord, RateCount
from motcua.core.ratelimit import WINDOW_SECONDS

BATCH = 10_000  # rows per DELETE: short transactions on a big table

# name -> prune(now) -> rows deleted; registered by the apps above core (AppConfig.ready)
_PRUNERS: dict[str, Callable[[dt.datetime], int]] = {}


def register(name: str, prune: Callable[[dt.datetime], int]) -> None:
    """Run `prune` in every housekeeping pass; its count is reported under `name`."""
    _PRUNERS[name] = prune


def registered() -> dict[str, Callable[[dt.datetime], int]]:
    return dict(_PRUNERS)


def idempotency_keep() -> dt.timedelta:
    return dt.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)


def prune_idempotency_records(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - idempotency_keep()
    removed = 0
    while True:
        batch = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff)
                     .values_list("pk", flat=True)[:BATCH])
        if not batch:
            return removed
        removed += IdempotencyRecord.objects.filter(pk__in=batch).delete()[0]


def prune_task_results() -> None:
    days = settings.TASK_RESULTS_KEEP_DAYS
    call_command("prune_db_task_results", min_age_days=days, verbosity=0)


def prune_rate_counts(now: dt.datetime | None = None) -> int:
    current = int((now.timestamp() if now else time.time()) // WINDOW_SECONDS)
    return RateCount.objects.filter(minute__lt=current).delete()[0]


def run_pass(now: dt.datetime | None = None) -> dict[str, int]:
    """One housekeeping pass; returns what was deleted."""
    now = now or timezone.now()
    removed = {"idempotency_records": prune_idempotency_records(now),
               "rate_counts": prune_rate_counts(now)}
    for name, prune in _PRUNERS.items():
        removed[name] = prune(now)
    prune_task_results()
    return removed
