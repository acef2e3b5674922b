"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.records.models.digitization import DigitizedCopy, DossierDigitization
from motcua.records.models.files import Blob
from motcua.records.models.reuse import ReRequest, Reuse
from motcua.records.models.store import StoreItem

__all__ = ["Blob", "DigitizedCopy", "DossierDigitization", "ReRequest", "Reuse", "StoreItem"]
