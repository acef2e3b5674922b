from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Files, digitization, each person's data store, reuse, signed electronic results."""

    name = "motcua.records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierChanged
        from motcua.records import results

        subscribe(DossierChanged, results.on_dossier_changed)
