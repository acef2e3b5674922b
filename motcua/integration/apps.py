from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    """Ports and adapters for the national systems, the outbox, the exchange log."""

    name = "motcua.integration"
    verbose_name = _("National systems")

    def ready(self) -> None:
        from motcua.core import housekeeping
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierChanged, DossierSubmitted
        from motcua.dossiers.serializers import add_detail_section
        from motcua.integration import consumers, identity, national_store, outbox, portal_sync
        from motcua.integration.events import FeePaidOnline
        from motcua.records.events import ResultSigned

        subscribe(DossierSubmitted, identity.on_submitted)
        outbox.register(portal_sync.SYSTEM, portal_sync.SYSTEM_ENTRY)
        outbox.register(national_store.SYSTEM, national_store.SYSTEM_ENTRY)
        subscribe(ResultSigned, national_store.queue_result)
        subscribe(DossierChanged, portal_sync.queue_dossier_change)
        subscribe(FeePaidOnline, portal_sync.queue_payment)
        add_detail_section("portal_sync", portal_sync.detail_section)
        housekeeping.register("delivered_outbox", outbox.prune_delivered)
        housekeeping.register("expired_consumer_tokens", consumers.prune_expired_tokens)

        from motcua.integration import (  # noqa: F401 - register the admin pages
            consumers_admin,
            payments_admin,
        )
        from motcua.integration.gateways import AppAdapter, SmsAdapter
        from motcua.notifications import channels
        from motcua.notifications.models import Channel

        channels.register(Channel.SMS, SmsAdapter())
        channels.register(Channel.APP, AppAdapter())
