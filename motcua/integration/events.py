"""The domain events of the integration app (see `motcua.core.events`), published inside the
transaction that records what a national system told us. The index (reporting) subscribes:

- `DossierIdentified`: a dossier's applicant was identified from the population database or by
  a VNeID-verified account (`DossierIdentity`; index 4.5b). Published by
  `identity.record_dossier_identity` when either mark is newly set, in the caller's
  transaction (the counter's intake, the online submission: the dossier row locked).
- `DossiersSynced`: the national portal acknowledged messages of these dossiers
  (`PortalSync.synced_at` set; index 1.4). Published by the outbox worker's
  `portal_sync.on_delivered`, in the transaction that marks the messages delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.core.events import DomainEvent


@dataclass(frozen=True)
class DossierIdentified(DomainEvent):
    dossier_id: int
    at: dt.datetime


@dataclass(frozen=True)
class DossiersSynced(DomainEvent):
    dossier_ids: tuple[int, ...]  # in ascending order
    at: dt.datetime
