"""`manage.py revoke_certificate <agency code> --reason ...`: revoke the agency's current
signing certificate; results it signed then show as invalid on the verification page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.org.models import Agency
from motcua.records import certificates


class Command(BaseCommand):
    help = "Revoke an agency's current signing certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with code {options['agency']}")
        cert = certificates.current_for(agency)
        if cert is None:
            raise CommandError(f"{agency.code} has no valid certificate")
        certificates.revoke(cert, options["reason"])
        self.stdout.write(f"Revoked certificate {cert.serial} of {agency.code}.")
