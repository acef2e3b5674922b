"""manage.py rebuild_index: the index's facts and rollups computed again from the dossiers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reporting.actions import rebuild


class Command(BaseCommand):
    help = ("Rebuild the Decision 766 index from scratch: every received dossier's fact, then "
            "the monthly rollups, in one transaction (dossier actions wait meanwhile on "
            "PostgreSQL).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=5000,
                            help="Dossiers read per query (default 5000).")

    def handle(self, *args: Any, **options: Any) -> None:
        done = rebuild(batch=max(1, options["batch"]))
        self.stdout.write(f"{done.facts} dossier facts, {done.flow_rows} flow rows, "
                          f"{done.balance_rows} balance rows, {done.petition_facts} petition "
                          f"facts, {done.complaints} complained dossiers in "
                          f"{done.seconds:.1f} s")
