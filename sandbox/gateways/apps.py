from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    """The SMS gateway and the citizen app's message service: they store what they get."""

    name = "sandbox.gateways"
    label = "sandbox_gateways"
    default_auto_field = "django.db.models.BigAutoField"
