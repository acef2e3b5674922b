"""manage.py load_demo: everything `make run` needs, idempotently.

Administrative units, the catalogue of procedures, the demo province's agencies and accounts,
then (only if there are none yet) a few hundred sample dossiers over the last ~60 days, all
received before the internal processes took effect (they follow no process); then the internal
processes, in force from ten working days back, their StepAgency rules, ~60 current dossiers
received at the counters over the last eight working days and driven through their steps so
that every demo officer's worklist has items in every view, and one escalation pass
(`motcua.demo.processes`); then a few ratings and petitions (`motcua.demo.petitions`) and a
consumer system of the data-sharing API with published demo credentials (`motcua.demo.sharing`).
The first named commune (Phường Hoa Lư) certifies electronic copies from originals. A second
run adds nothing and takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils import timezone

from motcua.catalog.importers import load_procedures
from motcua.catalog.models import Procedure
from motcua.demo import processes as process_demo
from motcua.demo.dossiers import build_demo_dossiers, demo_dossiers, format_summary
from motcua.demo.org import DEFAULT_PASSWORD, NAMED_COMMUNES, build_demo_org
from motcua.demo.petitions import build_demo_petitions
from motcua.demo.sharing import DEMO_CLIENT_ID, build_demo_consumer
from motcua.org.importers import load_units
from motcua.org.models import AdministrativeUnit, Agency
from motcua.processing.loader import LoadError
from motcua.records.certificates import create_dev_ca
from motcua.records.models import CertificationService

# The catalogue loaded into an empty database is in force from the start of the two-level local
# government (1 July 2025), so the sample dossiers of the last 60 days have a version in force.
# An existing catalogue is left to `load_procedures` (new versions from today).
CATALOG_IN_FORCE_FROM = dt.date(2025, 7, 1)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Command(BaseCommand):
    help = (
        "Load the demo: administrative units, procedures, the demo province (37, Ninh Bình) "
        "with agencies and accounts, and sample dossiers in every status. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default="37", help="GSO province code (default 37)")
        parser.add_argument("--count", type=int, default=300,
                            help="sample dossiers to create when there are none (default 300)")
        parser.add_argument("--current", type=int, default=60,
                            help="current dossiers with a process to create when there are "
                                 "none (default 60)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help="password of newly created demo accounts")
        parser.add_argument("--fast-passwords", action="store_true",
                            help="hash new demo passwords with MD5 (tests, throwaway demos only)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        units = load_units()
        self.stdout.write(f"Administrative units: {units}")

        empty = not Procedure.objects.exists()
        report = load_procedures(effective_from=CATALOG_IN_FORCE_FROM if empty else None)
        self.stdout.write(f"Procedures: {report}")

        hashers = FAST_HASHERS if options["fast_passwords"] else settings.PASSWORD_HASHERS
        with override_settings(PASSWORD_HASHERS=hashers):
            org = build_demo_org(options["province"], options["password"])
        self.stdout.write(
            f"Demo organisation: {org['province']['name']} ({org['province']['code']}), "
            f"{org['agencies']['communes']} communes, {len(org['accounts'])} accounts"
        )

        # the development CA and a signing certificate per agency: results issued from here
        # on are signed by the worker (records.results_tasks)
        made, issued = create_dev_ca(list(Agency.objects.select_related("unit")))
        self.stdout.write(f"Development CA: {'created' if made else 'kept'}, "
                          f"{len(issued)} agency certificates issued")
        # the first named commune certifies electronic copies from originals (no fee set:
        # the province's decision sets it, in the admin)
        certifying = AdministrativeUnit.objects.filter(
            code=NAMED_COMMUNES.get(options["province"], ("",))[0]).first()
        if certifying is not None:
            CertificationService.objects.get_or_create(unit=certifying,
                                                       defaults={"offered": True})

        now = timezone.now().replace(microsecond=0)
        first_day = process_demo.first_process_day()
        if first_day is not None and not demo_dossiers().exists():
            # processes were published before (load_processes): a dossier received since
            # would follow one, which the historical sample does not do
            self.stderr.write(self.style.WARNING(
                f"Processes are in force since {first_day.isoformat()}: the historical sample "
                "(dossiers received before the processes, without steps) is not created."
            ))
        else:
            day = first_day or process_demo.process_day(now)
            result = build_demo_dossiers(options["count"], seed=options["seed"], now=now,
                                         received_before=process_demo.day_start(day))
            for line in format_summary(result):
                self.stdout.write(line)

        try:
            processes = process_demo.build_demo_processes(options["current"],
                                                          seed=options["seed"], now=now)
        except LoadError as exc:
            raise CommandError(f"The internal processes cannot be loaded:\n{exc.detail}") \
                from exc
        for line in process_demo.format_report(processes):
            self.stdout.write(line)
        petitions = build_demo_petitions(now)
        self.stdout.write(f"Ratings: {petitions['ratings']}, petitions: "
                          f"{petitions['petitions']} ({petitions['created']} created now)")
        _consumer, made_consumer = build_demo_consumer()
        self.stdout.write(f"Data-sharing API: demo consumer system {DEMO_CLIENT_ID} "
                          f"{'created' if made_consumer else 'kept'}")
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded in {time.monotonic() - started:.1f} s. "
            "`manage.py demo_logins` prints the URLs and logins."
        ))
