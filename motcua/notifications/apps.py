from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Every message to a person: applicant notices and staff warnings."""

    name = "motcua.notifications"
    label = "notifications"

    def ready(self) -> None:
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierChanged
        from motcua.notifications import subscribers

        subscribe(DossierChanged, subscribers.notify_applicant_of)
