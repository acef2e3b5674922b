"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.integration.models.outbox import OutboxMessage
from motcua.integration.models.portal_sync import PortalSync

__all__ = ["OutboxMessage", "PortalSync"]
