"""Domain events of the records app, for higher apps (integration) to subscribe to."""

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
