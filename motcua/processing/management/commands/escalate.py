"""manage.py escalate [--loop SECONDS]: send the deadline warnings that are due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.loop import run_every
from motcua.processing.escalation import run_pass


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
        run_every(interval, lambda: self._report(run_pass()),
                  lambda: self.stderr.write(self.style.ERROR(_("escalation pass failed"))))

    def _report(self, sent: dict[str, int]) -> None:
        if any(sent.values()) or self.verbosity > 1:
            self.stdout.write(
                _("Escalations sent: %(sent)s") % {
                    "sent": ", ".join(f"{k} {v}" for k, v in sent.items())}
            )
