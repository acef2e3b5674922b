from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Files, digitization, each person's data store, reuse, signed electronic results."""

    name = "motcua.records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from motcua.core import events, housekeeping
        from motcua.dossiers.events import DossierSubmitted
        from motcua.records import files, reuse

        housekeeping.register("orphan_files", files.sweep_orphans)
        events.subscribe(DossierSubmitted, reuse.record)
