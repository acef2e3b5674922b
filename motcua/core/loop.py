"""The loop of the periodic commands (`escalate --loop`, `housekeep --loop`): a pass every N
seconds until SIGTERM or Ctrl-C; a failed pass is logged and the next one tries again."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections

log = logging.getLogger(__name__)


def run_every(interval: float, one_pass: Callable[[], bool | None],
              on_failure: Callable[[], None]) -> None:
    """`one_pass` returning True means "more is waiting": the next pass starts at once."""
    if interval <= 0:
        interval = 60.0
    stopping = {"now": False}

    def stop(signum: int, frame: Any) -> None:
        stopping["now"] = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping["now"]:
            close_old_connections()  # a connection that died since the last pass
            try:
                if one_pass() is True:
                    continue
            except Exception:  # keep the loop alive; the next pass retries
                on_failure()
                log.exception("periodic pass failed")
            deadline = time.monotonic() + interval
            while not stopping["now"] and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        close_old_connections()
