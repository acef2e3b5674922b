from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Every message to a person: applicant notices (delivery rows) and staff in-app notices."""

    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from motcua.core import housekeeping
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierChanged
        from motcua.notifications import delivery, subscribers
        from motcua.processing.events import EscalationRaised

        subscribe(DossierChanged, subscribers.queue_applicant_notice)
        subscribe(EscalationRaised, subscribers.notify_staff_of)
        housekeeping.register("sent_deliveries", delivery.prune_sent)
