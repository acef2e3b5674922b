"""manage.py load_processes [--dir DIR] [--effective-from YYYY-MM-DD]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.management.commands.load_procedures import iso_date
from motcua.processing.loader import DEFAULT_DIR, LoadError, load_processes


class Command(BaseCommand):
    help = _(
        "Load the internal processes from their files (YAML or JSON, one per procedure). "
        "Idempotent: a changed definition becomes a new version; nothing is written when any "
        "file is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(DEFAULT_DIR),
                            help=_("directory of process files (default: the bundled ones)"))
        parser.add_argument("--effective-from", type=iso_date, default=None,
                            help=_("date new versions take effect when a file does not say, "
                                   "YYYY-MM-DD (default: today)"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_processes(options["dir"], effective_from=options["effective_from"])
        except LoadError as exc:
            raise CommandError(_("Nothing was loaded:\n%(errors)s") % {"errors": exc.detail}) \
                from exc
        for warning in report.skipped:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(_("Processes loaded: %(report)s.") % {"report": report})
        for label in report.published:
            self.stdout.write(_("  new version: %(label)s") % {"label": label})
