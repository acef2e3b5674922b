"""manage.py publish_catalogue: queue the procedures in force whose published content changed
for the National Public Service Portal (integration.portal_sync.publish_catalogue)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.integration.portal_sync import publish_catalogue


class Command(BaseCommand):
    help = _("Queue the changed procedures of the catalogue for the national portal.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = publish_catalogue()
        self.stdout.write(_("Procedures queued for the portal: %(n)d") % {"n": written})
