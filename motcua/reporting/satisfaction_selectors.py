"""Reads of the satisfaction group (5.1–5.3) for a period, per agency: one aggregate over the
petitions' facts and one over the complained-about dossiers' (their dossier facts joined).
The rules are in `satisfaction` (its docstring); `counts_of` there is the same count in
Python, which the tests hold these queries to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q

from motcua.reporting.indicators import Counters
from motcua.reporting.models import ComplaintFact, PetitionFact
from motcua.reporting.periods import Period
from motcua.reporting.satisfaction import PetitionCounts


@dataclass
class SatisfactionRead:
    petitions: dict[int, PetitionCounts] = field(default_factory=dict)  # agency → counts
    complained: dict[int, int] = field(default_factory=dict)  # agency → dossiers

    def of(self, agency_ids: Iterable[int] | None) -> tuple[PetitionCounts, int]:
        """The totals of these agencies (None: all)."""
        ids = set(self.petitions) | set(self.complained) if agency_ids is None \
            else set(agency_ids)
        petitions = PetitionCounts()
        for agency in ids:
            petitions = petitions + self.petitions.get(agency, PetitionCounts())
        return petitions, sum(self.complained.get(a, 0) for a in ids)


def read_satisfaction(period: Period, now: dt.datetime, *,
                      agency_ids: Iterable[int] | None = None,
                      sector_id: int | None = None) -> SatisfactionRead:
    t, start = period.evaluated_at(now), period.start
    ids = sorted(agency_ids) if agency_ids is not None else None
    petitions = Q(received_at__lt=t) & (Q(handled_at__isnull=True) | Q(handled_at__gte=start))
    dossiers = Q(complained_at__lt=t, fact__received_at__lt=t) & (
        Q(fact__ended_at__isnull=True) | Q(fact__ended_at__gte=start))
    if ids is not None:
        petitions &= Q(agency_id__in=ids)
        dossiers &= Q(fact__agency_id__in=ids)
    if sector_id is not None:
        petitions &= Q(sector_id=sector_id)
        dossiers &= Q(fact__sector_id=sector_id)
    out = SatisfactionRead()
    for row in PetitionFact.objects.filter(petitions).values("agency_id").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(late_from__lt=t)),
            unsatisfied=Count("pk", filter=Q(unsatisfied_from__lt=t))).order_by():
        n = row["n"]
        out.petitions[row["agency_id"]] = PetitionCounts(n, n - row["late"],
                                                         n - row["unsatisfied"])
    out.complained = dict(ComplaintFact.objects.filter(dossiers).values("fact__agency_id")
                          .annotate(n=Count("pk")).values_list("fact__agency_id", "n")
                          .order_by())
    return out


def with_satisfaction(counters: Counters, petitions: PetitionCounts,
                      complained: int) -> Counters:
    """`counters` with the satisfaction group's counters filled."""
    return replace(counters, petitions=petitions.petitions,
                   petitions_in_time=petitions.in_time,
                   petitions_satisfied=petitions.satisfied, complained_dossiers=complained)
