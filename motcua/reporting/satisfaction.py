"""The satisfaction group of the index (DOMAIN.md §5: 5.1, 5.2, 5.3), from petitions and
ratings (the petitions app). Pure module: no database.

For a period P judged at t (its end, or just after now), as indicator 2.1 counts dossiers:

- P's petitions: those of the scope received before t and not handled before P's start (filed
  in P, or carried over into it, still open or handled in it);
- 5.1 in time: of those, the ones not late at t (`petitions.rules.late_from`: handled within
  its deadline, or still within it; a refusal after 2 working days or a question after 5 late
  from then on); full marks if none;
- 5.2 satisfied: of those, the ones not late, not repeating an earlier petition on the same
  matter, and not rated dissatisfied before t; full marks if none;
- 5.3 complained: of the period's dossiers (2.1's), those with a petition about them or a
  dissatisfied rating before t (`ComplaintFact`); 1 − (late rate + complained rate).

A petition's fact holds the instants these turn: `late_from`, and `unsatisfied_from` (the
first of being late, its dissatisfied rating, its receipt when it repeats another). Counting a
fact is then a matter of comparing instants with P's start and t (`counts_of`), which the
index's SQL does in one aggregate and the reference does in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

from motcua.petitions import rules


@dataclass(frozen=True)
class PetitionState:
    """A petition's fields the index reads (petitions.Petition)."""

    id: int
    agency_id: int
    sector_id: int
    procedure_id: int
    status: str
    received_at: dt.datetime
    deadline: dt.datetime
    handled_at: dt.datetime | None
    late_since: dt.datetime | None
    disliked_at: dt.datetime | None  # when its answer was rated dissatisfied
    repeated: bool


@dataclass(frozen=True)
class PetitionFact:
    petition_id: int
    agency_id: int
    sector_id: int
    procedure_id: int
    received_at: dt.datetime
    handled_at: dt.datetime | None
    late_from: dt.datetime | None
    unsatisfied_from: dt.datetime | None


def _first(*instants: dt.datetime | None) -> dt.datetime | None:
    known = [i for i in instants if i is not None]
    return min(known) if known else None


def fact_of(s: PetitionState) -> PetitionFact:
    late = rules.late_from(rules.Clock(s.status, s.deadline, s.handled_at, s.late_since))
    unsatisfied = _first(late, s.disliked_at, s.received_at if s.repeated else None)
    return PetitionFact(s.id, s.agency_id, s.sector_id, s.procedure_id, s.received_at,
                        s.handled_at, late, unsatisfied)


@dataclass(frozen=True)
class PetitionCounts:
    petitions: int = 0  # the period's petitions (5.1's and 5.2's denominator)
    in_time: int = 0
    satisfied: int = 0

    def __add__(self, other: PetitionCounts) -> PetitionCounts:
        return PetitionCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                                 for f in fields(self)})


def counts_of(facts: Iterable[PetitionFact], start: dt.datetime, t: dt.datetime
              ) -> PetitionCounts:
    """The counters of the period [start, …) judged at t (see the module's docstring)."""
    petitions = in_time = satisfied = 0
    for f in facts:
        if f.received_at >= t or (f.handled_at is not None and f.handled_at < start):
            continue
        petitions += 1
        in_time += not (f.late_from is not None and f.late_from < t)
        satisfied += not (f.unsatisfied_from is not None and f.unsatisfied_from < t)
    return PetitionCounts(petitions, in_time, satisfied)
