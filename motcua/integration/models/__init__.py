"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.integration.models.consumers import ConsumerSystem, Scope
from motcua.integration.models.exchange_log import ExchangeLogEntry
from motcua.integration.models.identity import DossierIdentity, EIdAccount
from motcua.integration.models.outbox import OutboxMessage
from motcua.integration.models.payments import Payment, PaymentCallback
from motcua.integration.models.portal_sync import PortalSync

__all__ = ["ConsumerSystem", "DossierIdentity", "EIdAccount", "ExchangeLogEntry",
           "OutboxMessage", "Payment", "PaymentCallback", "PortalSync", "Scope"]
