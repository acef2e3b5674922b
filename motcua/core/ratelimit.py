"""A per-client limit on the public, unauthenticated lookups (dossier tracking by code).

Dossier codes are sequential (`<unit>-<YYMMDD>-<NNNN>`), so without a limit anyone could walk
through a day's codes and collect every masked applicant name, procedure and status. A client
(its address) may make PUBLIC_LOOKUPS_PER_MINUTE lookups per minute (default 60; 0 turns the
limit off); beyond that it gets 429 with Retry-After until the minute ends.

The count is shared by every worker process and server, so the limit is exact however many
there are. With Redis (REDIS_URL) it is Django's cache: `add` then `incr`, both atomic there.
With the database cache it is not: Django's DatabaseCache.incr reads then writes (concurrent
requests lose counts) and culls entries beyond MAX_ENTRIES, so there the count is one atomic
upsert per request in a table of its own (core.RateCount, one row per client, pruned by
housekeeping). Behind a reverse proxy, set TRUSTED_PROXY_COUNT to the number of proxies so the
address comes from X-Forwarded-For.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpRequest

from motcua.core.models import RateCount

WINDOW_SECONDS = 60
BUCKET_CHARS = RateCount._meta.get_field("bucket").max_length or 100


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if h.strip()]
        if len(hops) >= proxies:
            return str(hops[-proxies])  # the address the outermost trusted proxy saw
    return str(request.META.get("REMOTE_ADDR", ""))


def public_lookup_refused(request: HttpRequest) -> int | None:
    """Count one public lookup by this client: None if allowed, else the seconds to wait."""
    return refused(f"lookup:{client_address(request)}", settings.PUBLIC_LOOKUPS_PER_MINUTE)


def refused(bucket: str, per_minute: int) -> int | None:
    """Count one request in `bucket`, which may make `per_minute` requests in each minute of
    the clock (0 or less: no limit): None if allowed, else the seconds to wait."""
    if per_minute <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    if count_hit(bucket, window) <= per_minute:
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)


def count_hit(bucket: str, window: int) -> int:
    """Count one request in `bucket` during `window` (minutes since the epoch); the count so far,
    this one included, across all processes."""
    if isinstance(caches["default"], DatabaseCache):
        return _count_in_database(bucket[:BUCKET_CHARS], window)
    key = f"ratelimit:{bucket}:{window}"
    try:  # the count exists but for the window's first request: one call (two round trips)
        return int(cache.incr(key))
    except ValueError:
        if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
            return 1
    try:  # another process opened the count first
        return int(cache.incr(key))
    except ValueError:  # and it expired meanwhile: this request opens a new one
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


def _count_in_database(bucket: str, window: int) -> int:
    connection = connections[router.db_for_write(RateCount)]
    table = connection.ops.quote_name(RateCount._meta.db_table)
    # One statement, so concurrent requests serialize on the row. A later window starts the
    # count afresh; a request stamped with an earlier one (a server's clock behind another's)
    # counts in the current one.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, minute, hits) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket) DO UPDATE SET "
            f"hits = CASE WHEN excluded.minute > {table}.minute THEN 1 "
            f"ELSE {table}.hits + 1 END, "
            f"minute = CASE WHEN excluded.minute > {table}.minute THEN excluded.minute "
            f"ELSE {table}.minute END "
            f"RETURNING hits",
            [bucket, window],
        )
        return int(cursor.fetchone()[0])
