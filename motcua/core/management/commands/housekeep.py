"""manage.py housekeep [--loop SECONDS]: delete expired idempotency records and old task results."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.housekeeping import run_pass
from motcua.core.loop import run_every


class Command(BaseCommand):
    help = _("Delete expired idempotency records and old results of background tasks; with "
             "--loop, every SECONDS until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=None, metavar="SECONDS",
                            help=_("run the pass every SECONDS seconds until SIGTERM/Ctrl-C"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loop"] is None:
            self._report(run_pass())
            return
        run_every(options["loop"], lambda: self._report(run_pass()),
                  lambda: self.stderr.write(self.style.ERROR(_("housekeeping pass failed"))))

    def _report(self, removed: dict[str, int]) -> None:
        self.stdout.write(_("Deleted: %(removed)s") % {
            "removed": ", ".join(f"{k} {v}" for k, v in removed.items())})
