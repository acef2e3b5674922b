"""What the delivery workers share (notifications.delivery, integration.outbox): who a worker
is, and how long a failed attempt waits before the next one."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket


def new_worker_id() -> str:
    """One per worker process: `host:pid:random`, so that claims of a dead worker's
    successor (same pid reused) are told apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff(attempts: int, base_seconds: float, cap: dt.timedelta) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×, 4×, … up to `cap`."""
    seconds = float(base_seconds) * 2 ** max(0, min(attempts - 1, 30))
    return min(dt.timedelta(seconds=seconds), cap)
