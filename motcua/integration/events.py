"""The domain events of the integration app (see `motcua.core.events`).

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
class FeePaidOnline(DomainEvent):
    dossier: Dossier
    payment: Payment
    at: dt.datetime
    timeline: DossierEvent  # the dossier's `pay_online` event
