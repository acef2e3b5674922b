from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    """Ports and adapters for the national systems, the outbox, the exchange log."""

    name = "motcua.integration"
    verbose_name = _("National systems")

    def ready(self) -> None:
        from motcua.integration import payments_admin  # noqa: F401 - registers the admin pages
        from motcua.integration.gateways import AppAdapter, SmsAdapter
        from motcua.notifications import channels
        from motcua.notifications.models import Channel

        channels.register(Channel.SMS, SmsAdapter())
        channels.register(Channel.APP, AppAdapter())
