"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.records.models.certificates import SigningCertificate
from motcua.records.models.certified import CertificationService, CertifiedCopy, CertifiedState
from motcua.records.models.digitization import DigitizedCopy, DossierDigitization
from motcua.records.models.files import Blob
from motcua.records.models.national import DataStoreLink
from motcua.records.models.results import ResultDocument, ResultKind, ResultState
from motcua.records.models.reuse import ReRequest, Reuse
from motcua.records.models.store import StoreItem

__all__ = ["Blob", "CertificationService", "CertifiedCopy", "CertifiedState", "DataStoreLink",
           "DigitizedCopy", "DossierDigitization", "ReRequest", "ResultDocument", "ResultKind",
           "ResultState", "Reuse", "SigningCertificate", "StoreItem"]
