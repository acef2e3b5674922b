"""Fills the sandbox with its generated data: `python sandbox/manage.py seed_sandbox`.

Each national system's app names its seeding function in settings.SANDBOX_SEEDERS (a dotted
path to a function taking `rng: random.Random`); they run in that order, from one fixed seed,
so every machine (and every test run) gets the same people, businesses and accounts. Seeding an
already seeded database does nothing.
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Generate the sandbox's people, businesses and accounts (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--seed", type=int, default=766)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for dotted in settings.SANDBOX_SEEDERS:
            import_string(dotted)(random.Random(f"{options['seed']}:{dotted}"))
