"""manage.py query_payments [--loop SECONDS]: ask the national payment platform about the online
payments still pending whose confirm callback never came (integration.payments_actions)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.loop import run_every
from motcua.integration.payments_actions import query_pending


class Command(BaseCommand):
    help = _("Ask the payment platform what became of the online payments still pending "
             "after PAYMENT_QUERY_AFTER_SECONDS, and record its answers; with --loop, every "
             "SECONDS until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=None, metavar="SECONDS",
                            help=_("run the pass every SECONDS seconds until SIGTERM/Ctrl-C"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if options["loop"] is None:
            self._report(query_pending(), always=True)
            return
        run_every(options["loop"], lambda: self._report(query_pending()),
                  lambda: self.stderr.write(self.style.ERROR(_("payment query pass failed"))))

    def _report(self, counts: dict[str, int], always: bool = False) -> None:
        if always or (any(counts.values()) and self.verbosity > 1):
            self.stdout.write(_("Payments asked about: %(counts)s") % {
                "counts": ", ".join(f"{k} {v}" for k, v in counts.items())})
