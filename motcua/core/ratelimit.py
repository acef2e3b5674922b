"""A per-client limit on the public, unauthenticated lookups (dossier tracking by code).

Dossier codes are sequential (`<unit>-<YYMMDD>-<NNNN>`), so without a limit anyone could walk
through a day's codes and collect every masked applicant name, procedure and status. A client
(its address) may make PUBLIC_LOOKUPS_PER_MINUTE lookups per minute (default 60; 0 turns the
limit off); beyond that it gets 429 with Retry-After until the minute ends.

The counts live in Django's cache, which every process shares (settings.CACHES: the
database, or Redis with REDIS_URL). Behind a reverse proxy, set TRUSTED_PROXY_COUNT to the
number of proxies so the address comes from X-Forwarded-For.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]  # the address the outermost trusted proxy saw
    return str(request.META.get("REMOTE_ADDR", ""))


def public_lookup_refused(request: HttpRequest) -> int | None:
    """Count one public lookup by this client: None if allowed, else the seconds to wait."""
    limit = settings.PUBLIC_LOOKUPS_PER_MINUTE
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:lookup:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new count
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
