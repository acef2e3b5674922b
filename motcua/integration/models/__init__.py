"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.integration.models.payments import Payment, PaymentCallback

__all__ = ["Payment", "PaymentCallback"]
