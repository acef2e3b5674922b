"""manage.py load_procedures [--file PATH] [--local PATH] [--eforms PATH]
[--effective-from YYYY-MM-DD]"""

from __future__ import annotations

import datetime as dt
import time
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.importers import (
    DEFAULT_EFORMS_FILE,
    DEFAULT_FILE,
    DEFAULT_LOCAL_FILE,
    load_procedures,
)
from motcua.core.errors import DomainError


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(_("'%(value)s' is not a date YYYY-MM-DD.") % {"value": value}) \
            from exc


class Command(BaseCommand):
    help = _(
        "Load the catalogue of procedures (national data + this deployment's local settings). "
        "Idempotent: changed procedures get a new version in force from --effective-from."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DEFAULT_FILE),
                            help=_("national data file (default: the bundled procedures.yaml)"))
        parser.add_argument("--local", default=str(DEFAULT_LOCAL_FILE),
                            help=_("deployment settings file (default: the bundled local.yaml)"))
        parser.add_argument("--eforms", default=str(DEFAULT_EFORMS_FILE),
                            help=_("e-forms of the procedures (default: the bundled "
                                   "eforms.yaml)"))
        parser.add_argument("--effective-from", type=iso_date, default=None,
                            help=_("date new versions take effect, YYYY-MM-DD (default: today)"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            report = load_procedures(
                options["file"], local_path=options["local"], eforms_path=options["eforms"],
                effective_from=options["effective_from"],
            )
        except DomainError as exc:
            raise CommandError(
                _("Nothing was loaded:\n%(errors)s") % {"errors": exc.detail}
            ) from exc
        self.stdout.write(
            _("Procedures loaded: %(report)s in %(seconds).2f s.")
            % {"report": report, "seconds": time.monotonic() - started}
        )
        for key in report.updated:
            self.stdout.write(_("  new version: %(key)s") % {"key": key})
        for key in report.eforms:
            self.stdout.write(_("  e-form stored: %(key)s") % {"key": key})
        for key in report.eforms_skipped:
            self.stdout.write(_("  e-form not stored, no such procedure: %(key)s") % {"key": key})
