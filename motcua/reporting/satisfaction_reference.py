"""The reference recomputation of the satisfaction group's counters (5.1–5.3), straight from
the raw petitions, ratings and dossiers: no facts table. Slow and plain, to be read against
`satisfaction`'s docstring; the tests hold the index's reads (`satisfaction_selectors`) to it.
"""

from __future__ import annotations

import datetime as dt

from motcua.dossiers.models import Dossier
from motcua.petitions.models import Petition, Rating, Satisfaction
from motcua.reporting import satisfaction
from motcua.reporting.periods import Period
from motcua.reporting.satisfaction import PetitionCounts
from motcua.reporting.selectors import Scope


def petition_counts(scope: Scope, period: Period, now: dt.datetime) -> PetitionCounts:
    petitions = Petition.objects.select_related("procedure")
    if scope.agency_ids is not None:
        petitions = petitions.filter(agency_id__in=scope.agency_ids)
    if scope.sector_id is not None:
        petitions = petitions.filter(procedure__sector_id=scope.sector_id)
    facts = [satisfaction.fact_of(satisfaction.PetitionState(
        p.pk, p.agency_id, p.procedure.sector_id, p.procedure_id, p.status, p.received_at,
        p.deadline, p.handled_at, p.late_since,
        p.rated_at if p.rating == Satisfaction.DISSATISFIED else None, p.repeated))
        for p in petitions]
    return satisfaction.counts_of(facts, period.start, period.evaluated_at(now))


def complained_dossiers(scope: Scope, period: Period, now: dt.datetime) -> int:
    """Of the period's dossiers (received before t, not finished before its start), those
    with a petition about them or a dissatisfied rating before t."""
    t, start = period.evaluated_at(now), period.start
    dossiers = Dossier.objects.filter(received_at__isnull=False, received_at__lt=t) \
        .exclude(finished_at__lt=start)
    if scope.agency_ids is not None:
        dossiers = dossiers.filter(handling_agency_id__in=scope.agency_ids)
    if scope.sector_id is not None:
        dossiers = dossiers.filter(procedure__sector_id=scope.sector_id)
    ids = set(dossiers.values_list("pk", flat=True))
    complained = {p.dossier_id for p in Petition.objects.filter(dossier_id__in=ids)
                  if p.received_at < t}
    complained |= {r.dossier_id for r in Rating.objects.filter(dossier_id__in=ids, disliked=True)
                   if r.rated_at < t}
    return len(complained)
