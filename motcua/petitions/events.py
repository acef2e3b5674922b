"""The domain events of the petitions app (see `motcua.core.events`), published by
`petitions.actions` inside the action's transaction. The index (reporting) subscribes:

- `DossierRated`: an applicant rated a finished dossier (5.3 reads the dissatisfied ones);
- `PetitionChanged`: a petition was filed, handled (answered, refused, more information asked
  for), completed with that information, or its answer rated (5.1, 5.2; a petition about a
  dossier counts for 5.3). Its subclasses name which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from motcua.core.events import DomainEvent

if TYPE_CHECKING:
    from motcua.org.models import User
    from motcua.petitions.models import Petition, Rating


@dataclass(frozen=True)
class DossierRated(DomainEvent):
    rating: Rating
    at: dt.datetime


@dataclass(frozen=True)
class PetitionChanged(DomainEvent):
    petition: Petition
    action: str  # file_petition | answer_petition | add_information | rate_answer
    actor: User | None
    at: dt.datetime


@dataclass(frozen=True)
class PetitionFiled(PetitionChanged):
    pass


@dataclass(frozen=True)
class PetitionHandled(PetitionChanged):
    outcome: str = ""  # models.Outcome


@dataclass(frozen=True)
class PetitionRated(PetitionChanged):
    pass
