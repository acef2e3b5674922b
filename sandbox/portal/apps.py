from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The National Public Service Portal's receiver of dossier sync and the catalogue."""

    name = "sandbox.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
