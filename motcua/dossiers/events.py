"""The domain events of the dossiers app (see `motcua.core.events`).

Every dossier action writes one timeline event and publishes one of these, inside its
transaction, with the dossier row locked. Subscribers in higher apps react:

- `DossierChanged`: every change; `notice` names the applicant notice the action sends
  (`notifications` delivers it), or is empty.
- `DossierReceived`: the legal clock started (1 → 2); `processing` starts the internal process.
- `DossierWaiting`: the clock stopped for the applicant or a payment; open steps wait.
- `DossierResumed`: the clock runs again; waiting steps resume (`restart`: counted anew).
- `DossierClosed`: a final status after receipt; the process run ends.
- `DossierRouted`: routed by hand from the dispatch queue; a received dossier's run starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from motcua.core.events import DomainEvent

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.org.models import User


@dataclass(frozen=True)
class DossierChanged(DomainEvent):
    dossier: Dossier
    action: str
    actor: User | None
    at: dt.datetime
    timeline: DossierEvent  # the event written on the dossier's timeline
    notice: str = ""  # the applicant notice kind (notifications.KINDS), if any


@dataclass(frozen=True)
class DossierSubmitted(DossierChanged):
    pass


@dataclass(frozen=True)
class DossierReceived(DossierChanged):
    pass


@dataclass(frozen=True)
class DossierWaiting(DossierChanged):
    pass


@dataclass(frozen=True)
class DossierResumed(DossierChanged):
    restart: bool = False


@dataclass(frozen=True)
class DossierClosed(DossierChanged):
    pass


@dataclass(frozen=True)
class DossierRouted(DossierChanged):
    """A person routed the dossier from the dispatch queue to its competent agency."""
