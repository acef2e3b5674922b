"""manage.py escalate [--loop SECONDS]: send the deadline warnings that are due."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from motcua.processing.escalation import run_pass

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = _(
        "Run the escalation pass once (warn before steps are due, when they are late, and "
        "before a dossier's legal due time); with --loop, every SECONDS until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=None, metavar="SECONDS",
                            help=_("run the pass every SECONDS seconds until SIGTERM/Ctrl-C"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        interval = options["loop"]
        if interval is None:
            self._report(run_pass())
            return
        if interval <= 0:
            interval = 60.0
        stopping = {"now": False}

        def stop(signum: int, frame: Any) -> None:
            stopping["now"] = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not stopping["now"]:
                close_old_connections()
                try:
                    self._report(run_pass())
                except Exception:  # keep the loop alive; the next pass retries
                    self.stderr.write(self.style.ERROR(_("escalation pass failed")))
                    log.exception("escalation pass failed")
                deadline = time.monotonic() + interval
                while not stopping["now"] and time.monotonic() < deadline:
                    time.sleep(min(1.0, interval))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            close_old_connections()

    def _report(self, sent: dict[str, int]) -> None:
        if any(sent.values()) or self.verbosity > 1:
            self.stdout.write(
                _("Escalations sent: %(sent)s") % {
                    "sent": ", ".join(f"{k} {v}" for k, v in sent.items())}
            )
