"""`manage.py create_dev_ca`: the development CA, the time-stamping service's certificate and
one signing certificate per agency (records.certificates). Idempotent: what exists and is
usable is kept. Development and demo only: a real deployment uses certificates from a licensed
certification authority."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.org.models import Agency
from motcua.records import certificates


class Command(BaseCommand):
    help = "Create the development CA (root, TSA, one certificate per agency); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", action="append", default=[],
                            help="only this agency code (repeatable); default: every agency")
        parser.add_argument("--store", choices=["file", "pkcs11"], default=None,
                            help="where new agency keys go (default: SIGNING_KEY_STORE)")

    def handle(self, *args: Any, **options: Any) -> None:
        agencies = Agency.objects.select_related("unit").order_by("code")
        if options["agency"]:
            agencies = agencies.filter(code__in=options["agency"])
        made, issued = certificates.create_dev_ca(list(agencies), store=options["store"])
        folder = settings.SIGNING_PKI_DIR
        self.stdout.write(
            f"Development CA in {folder}: root {'created' if made else 'kept'}, "
            f"{len(issued)} agency certificate(s) issued.")
