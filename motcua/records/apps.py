from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Files, digitization, each person's data store, reuse, signed electronic results."""

    name = "motcua.records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from motcua.core import events, housekeeping
        from motcua.dossiers.events import DossierChanged, DossierSubmitted
        from motcua.records import (
            copy_signing,
            digitization,
            files,
            result_notices,
            results,
            reuse,
        )
        from motcua.records.events import ResultSigned

        housekeeping.register("orphan_files", files.sweep_orphans)
        housekeeping.register("orphan_uploads", files.sweep_orphan_uploads)
        events.subscribe(DossierSubmitted, reuse.record)
        events.subscribe(DossierChanged, results.on_dossier_changed)
        events.subscribe(ResultSigned, result_notices.queue_signed_notice)
        events.subscribe(digitization.ComponentDigitized, copy_signing.on_component_digitized)
