from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    """Ports and adapters for the national systems, the outbox, the exchange log."""

    name = "motcua.integration"
    verbose_name = _("National systems")

    def ready(self) -> None:
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierSubmitted
        from motcua.integration import identity

        subscribe(DossierSubmitted, identity.on_submitted)
