"""manage.py deliver_outbox [--loop SECONDS]: deliver the messages to national systems that are
due (integration.outbox); with --loop, at once again while there is more, else every SECONDS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.loop import run_every
from motcua.integration.outbox import new_worker_id, run_pass


class Command(BaseCommand):
    help = _("Deliver the messages to national systems that are due (the portal sync), "
             "retrying failures with a backoff; with --loop, until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=None, metavar="SECONDS",
                            help=_("wait SECONDS between passes that found nothing to do, "
                                   "until SIGTERM/Ctrl-C"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        worker = new_worker_id()  # one per process: its claims are guarded by it
        if options["loop"] is None:
            self._report(run_pass(worker=worker), always=True)
            return

        def one_pass() -> bool:
            counts = run_pass(worker=worker)
            self._report(counts)
            return counts["delivered"] > 0 or counts["late"] > 0

        run_every(options["loop"], one_pass,
                  lambda: self.stderr.write(self.style.ERROR(_("outbox pass failed"))))

    def _report(self, counts: dict[str, int], always: bool = False) -> None:
        if always or (any(counts.values()) and self.verbosity > 1):
            self.stdout.write(_("Outbox: %(counts)s") % {
                "counts": ", ".join(f"{k} {v}" for k, v in counts.items())}, ending="\n")
            self.stdout.flush()
