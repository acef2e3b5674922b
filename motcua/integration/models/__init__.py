"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.integration.models.exchange_log import ExchangeLogEntry
from motcua.integration.models.identity import DossierIdentity, EIdAccount

__all__ = ["DossierIdentity", "EIdAccount", "ExchangeLogEntry"]
