from typing import Any

from django.core.management.base import BaseCommand

from motcua.org.importers import load_units


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes (July 2025) from vietnam-provinces."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_units()
        self.stdout.write(self.style.SUCCESS(f"Administrative units: {result}"))
        if result.not_in_package:
            self.stdout.write(
                "Kept units no longer in the package: " + ", ".join(result.not_in_package)
            )
