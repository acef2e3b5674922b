"""The reference recomputation of a scope's dossier counters, straight from the raw dossiers:
no facts table, no rollups, no prefix sums. Slow (it reads every dossier of the scope) and
plain, so that it can be read against DOMAIN.md §5; the tests hold the rollups to it.

For a period P judged at t (its end, or just after now), a received dossier of the scope:
- counts when received before t and not ended before P's start: received in P, or carried
  over into it (received before P's start);
- ended in P (end < t): early, on time or late (`facts.outcome_of`), with its processing time;
- received in P: by channel, reusing digitized data, identified from the population database
  or by a VNeID-verified account (integration.DossierIdentity, 4.5b), synced to the national
  portal (integration.PortalSync, 1.4), with a component from or a result to the national
  personal data store (records.DataStoreLink, 4.4), filed online and given a written result
  without a signed electronic one (3.3), as they stand;
- ended in P with the result asked for, of a procedure whose catalogue names a result
  document (4.1, 4.2): with a signed electronic result (records.ResultDocument), digitized
  (records.DossierDigitization.complete_at);
- otherwise unfinished at t: in time unless its second supplement request after receipt came
  before t, or it was overdue before t (`facts.overdue_from`: the due time as it stood while
  the clock ran; paused in time, it stays in time).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q, QuerySet

from motcua.dossiers.models import (
    Channel,
    ClockPause,
    ComponentSource,
    Dossier,
    DossierComponent,
    SupplementRequest,
)
from motcua.integration.models import DossierIdentity, PortalSync
from motcua.records.models import DataStoreLink, DossierDigitization, ResultDocument
from motcua.records.models.results import ResultState
from motcua.reporting import facts
from motcua.reporting.indicators import DossierCounts
from motcua.reporting.periods import Period
from motcua.reporting.selectors import Scope
from motcua.workcalendar.service import get_calendar


def _of_scope(scope: Scope) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.filter(received_at__isnull=False)
    if scope.agency_ids is not None:
        dossiers = dossiers.filter(handling_agency_id__in=scope.agency_ids)
    if scope.sector_id is not None:
        dossiers = dossiers.filter(procedure__sector_id=scope.sector_id)
    return dossiers


def last_year_share(scope: Scope, period: Period) -> float:
    """1.4's fallback denominator: the scope's dossiers received in the year before the
    period's, ÷ 12 (a month), ÷ 4 (a quarter), all (a year)."""
    last = period.previous_year()
    n = _of_scope(scope).filter(received_at__gte=last.start, received_at__lt=last.end).count()
    return n / period.parts_of_year


def dossier_counts(scope: Scope, period: Period, now: dt.datetime) -> DossierCounts:
    t, start = period.evaluated_at(now), period.start
    calendar, granularity = get_calendar(), settings.TIMELINESS_GRANULARITY
    dossiers = _of_scope(scope).filter(received_at__lt=t).exclude(finished_at__lt=start)
    rows = list(dossiers.select_related("procedure_version").order_by("pk"))
    ids = [d.pk for d in rows]
    pauses: dict[int, list[facts.Pause]] = defaultdict(list)
    for p in ClockPause.objects.filter(dossier_id__in=ids).order_by("started_at", "pk"):
        pauses[p.dossier_id].append(facts.Pause(p.started_at, p.ended_at, p.due_before))
    requests: dict[int, list[dt.datetime]] = defaultdict(list)
    for s in SupplementRequest.objects.filter(dossier_id__in=ids, before_receipt=False) \
            .order_by("requested_at", "pk"):
        requests[s.dossier_id].append(s.requested_at)
    reused = set(DossierComponent.objects.filter(Q(dossier_id__in=ids),
                                                 source=ComponentSource.REUSED)
                 .values_list("dossier_id", flat=True))
    identified = set(DossierIdentity.objects.filter(
        Q(population_data_used=True) | Q(vneid_verified=True), dossier_id__in=ids)
        .values_list("dossier_id", flat=True))
    synced = set(PortalSync.objects.filter(dossier_id__in=ids)
                 .values_list("dossier_id", flat=True))
    stored = set(DataStoreLink.objects.filter(dossier_id__in=ids)
                 .values_list("dossier_id", flat=True))
    signed = set(ResultDocument.objects.filter(dossier_id__in=ids, state=ResultState.SIGNED)
                 .values_list("dossier_id", flat=True))
    digitized = set(DossierDigitization.objects.filter(dossier_id__in=ids,
                                                       complete_at__isnull=False)
                    .values_list("dossier_id", flat=True))
    counts: dict[str, int] = defaultdict(int)
    for d in rows:
        assert d.received_at is not None
        # ended with the result asked for, which the catalogue says is a written document
        result_due = bool(d.procedure_version.results.strip()) and d.outcome == "result" \
            and d.finished_at is not None
        second = requests[d.pk][1] if len(requests[d.pk]) >= 2 else None
        overdue = facts.overdue_from(d.due_at, d.paused_at, pauses[d.pk])
        if d.received_at >= start:
            counts["received"] += 1
            counts[{Channel.COUNTER: "received_counter", Channel.ONLINE: "received_online",
                    Channel.POSTAL: "received_postal"}[Channel(d.channel)]] += 1
            counts["reused"] += d.pk in reused
            counts["identified"] += d.pk in identified
            counts["synced"] += d.pk in synced
            counts["stored"] += d.pk in stored
            counts["online_paper_only"] += (d.channel == Channel.ONLINE and result_due
                                            and d.pk not in signed)
        else:
            counts["carried_over"] += 1
        if d.finished_at is not None and d.finished_at < t:
            outcome = facts.outcome_of(d.finished_at, d.due_at, overdue, second, calendar,
                                       granularity)
            counts[f"ended_{outcome}"] += 1
            worked = calendar.working_seconds_between(d.received_at, d.finished_at)
            paused = facts.paused_seconds(pauses[d.pk], d.finished_at, calendar)
            counts["processing_seconds"] += max(0, worked - paused)
            if result_due:
                counts["results_due"] += 1
                counts["results_signed"] += d.pk in signed
                counts["results_digitized"] += d.pk in digitized
            continue
        late = (second is not None and second < t) or (overdue is not None and overdue < t)
        counts["open_in_time"] += not late
    return DossierCounts(**counts)
