from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """The national payment platform (PayGov): INIT, the payer's page, the confirm callback."""

    name = "sandbox.payments"
    label = "sandbox_payments"
    default_auto_field = "django.db.models.BigAutoField"
