"""The domain events of the integration app (see `motcua.core.events`), published inside the
transaction that records what a national system told us.

- `DossierIdentified`: a dossier's applicant was identified from the population database or by
  a VNeID-verified account (`DossierIdentity`; index 4.5b). Published by
  `identity.record_dossier_identity` when either mark is newly set, in the caller's
  transaction (the counter's intake, the online submission: the dossier row locked). The index
  (reporting) subscribes.
- `DossiersSynced`: the national portal acknowledged messages of these dossiers
  (`PortalSync.synced_at` set; index 1.4). Published by the outbox worker's
  `portal_sync.on_delivered`, in the transaction that marks the messages delivered. The index
  subscribes.
- `FeePaidOnline`: the national payment platform confirmed an online payment of a dossier's
  fees or financial obligation (payments_actions.confirm), in the transaction that records it,
  with the dossier row locked. The portal sync subscribes (the dossier's update, with its
  payment fields, to the National Public Service Portal). A payment confirmed for a fee that
  was paid already (to be refunded) publishes nothing: the fee was paid once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from motcua.core.events import DomainEvent

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.integration.models import Payment


@dataclass(frozen=True)
class DossierIdentified(DomainEvent):
    dossier_id: int
    at: dt.datetime


@dataclass(frozen=True)
class DossiersSynced(DomainEvent):
    dossier_ids: tuple[int, ...]  # in ascending order
    at: dt.datetime


@dataclass(frozen=True)
class FeePaidOnline(DomainEvent):
    dossier: Dossier
    payment: Payment
    at: dt.datetime
    timeline: DossierEvent  # the dossier's `pay_online` event
