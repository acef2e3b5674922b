"""The app's models, one module per topic (each imported here so that Django finds them)."""

from motcua.records.models.certificates import SigningCertificate
from motcua.records.models.results import ResultDocument, ResultKind, ResultState

__all__ = ["ResultDocument", "ResultKind", "ResultState", "SigningCertificate"]
