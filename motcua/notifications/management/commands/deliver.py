"""manage.py deliver [--loop SECONDS]: send the messages that are due (notifications.delivery)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.loop import run_every
from motcua.core.retry import new_worker_id
from motcua.notifications.delivery import run_pass


class Command(BaseCommand):
    help = _("Send the messages to persons that are due (email now), retrying failures with "
             "a backoff; with --loop, every SECONDS until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=None, metavar="SECONDS",
                            help=_("run the pass every SECONDS seconds until SIGTERM/Ctrl-C"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        worker = new_worker_id()  # one per process: its claims are guarded by it
        if options["loop"] is None:
            self._report(run_pass(worker=worker), always=True)
            return
        run_every(options["loop"], lambda: self._report(run_pass(worker=worker)),
                  lambda: self.stderr.write(self.style.ERROR(_("delivery pass failed"))))

    def _report(self, counts: dict[str, int], always: bool = False) -> None:
        if always or any(counts.values()) and self.verbosity > 0:
            self.stdout.write(_("Deliveries: %(counts)s") % {
                "counts": ", ".join(f"{k} {v}" for k, v in counts.items())})
