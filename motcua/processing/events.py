"""The domain events of the processing app (see `motcua.core.events`).

- `EscalationRaised`: a deadline warning was recorded (its unique Escalation row and the
  "escalate" timeline event are written in the same transaction); `notifications` delivers it
  to the recipients (in-app notices). Published once per warning: a concurrent pass that loses
  the race on the Escalation row rolls back, its event's effects with it.
- `StepChanged`: a step started, was claimed or assigned, had its due time moved, or finished
  (also when the dossier's run ended); `reporting` keeps who held the dossier at which step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from motcua.core.events import DomainEvent

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier
    from motcua.org.models import User
    from motcua.processing.models import StepInstance


@dataclass(frozen=True)
class EscalationRaised(DomainEvent):
    dossier: Dossier
    step: StepInstance | None  # None: a warning about the dossier's legal due time
    kind: str  # Escalation.Kind
    recipients: tuple[User, ...]  # distinct, in the order they were chosen
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class StepChanged(DomainEvent):
    step: StepInstance  # as saved, in the action's transaction
