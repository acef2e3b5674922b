"""Domain events of the records app, for higher apps (integration, reporting) to subscribe
to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.core.events import DomainEvent
from motcua.dossiers.models import DossierEvent
from motcua.records.models import ResultDocument


@dataclass(frozen=True)
class ResultSigned(DomainEvent):
    """A result was signed and issued (published in the transaction that records it): it is
    in its owner's store; the national data store is to get it too, and its applicant a
    notice."""

    result: ResultDocument
    at: dt.datetime
    timeline: DossierEvent  # the "result_signed" event on the dossier's timeline


@dataclass(frozen=True)
class DossierDigitized(DomainEvent):
    """A dossier became digitized, components and result (`DossierDigitization.complete_at`
    set, once; the index's 4.2), in the transaction that signed its last copy or its result,
    the dossier row locked."""

    dossier_id: int
    at: dt.datetime


@dataclass(frozen=True)
class NationalStoreUsed(DomainEvent):
    """Dossiers took a component from the national personal data store, or the store took
    their signed result (`DataStoreLink` rows; the index's 4.4): published at submission, or
    by the outbox worker when the store acknowledged the result."""

    dossier_ids: tuple[int, ...]  # in ascending order
    at: dt.datetime
