"""Every write of the index's tables: the rollups follow each dossier event in its own
transaction (lag zero), and `rebuild` makes them again from the raw dossiers.

`record_change` subscribes to `DossierChanged` (every dossier action publishes one, the
dossier row locked): it computes the dossier's fact (`facts.fact_of`), compares it with the
stored one and moves the rollups by the difference, with one upsert per rollup table
(`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, on SQLite and PostgreSQL alike; the
rows in key order, so two transactions never wait for each other in a cycle). A dossier not
yet received costs nothing; an event that changes nothing the index reads costs one read.

`record_identified` and `record_synced` subscribe to integration's `DossierIdentified` and
`DossiersSynced`: they set the fact's `identified` (4.5b) or `synced` (1.4) flag and move the
rollups, in integration's transaction. They lock the dossier rows first (in id order), as
every dossier action does: a dossier being received concurrently either commits its new fact
before (the flag is then set here) or reads the identity or sync after this commits (its new
fact has the flag). A dossier not received yet has no fact: its first fact reads both.

`record_result_signed`, `record_digitized` and `record_national_store` subscribe to records'
`ResultSigned`, `DossierDigitized` and `NationalStoreUsed` the same way: the fact's `e_result`
(4.1, 3.3), `digitized` (4.2) and `stored` (4.4) flags.

`record_step` subscribes to processing's `StepChanged`: one upsert of the step's `StepFact`
(who holds the dossier at which step, for the statistics).

`rebuild` (manage.py rebuild_index) deletes the tables and computes them again: the facts from
the raw dossiers (with their identities and portal syncs) and steps, the rollups by grouping
the facts in SQL; and the satisfaction group's tables from the raw petitions and ratings
(`satisfaction_actions`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from django.conf import settings
from django.db import connection, router, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.dossiers.events import DossierChanged
from motcua.dossiers.models import (
    ClockPause,
    ComponentSource,
    Dossier,
    DossierComponent,
    SupplementRequest,
)
from motcua.integration.events import DossierIdentified, DossiersSynced
from motcua.integration.models import DossierIdentity, PortalSync
from motcua.processing.events import StepChanged
from motcua.processing.models import StepInstance
from motcua.records import digitization, national
from motcua.records import results as results_of
from motcua.records.events import DossierDigitized, NationalStoreUsed, ResultSigned
from motcua.reporting import facts
from motcua.reporting.facts import (
    AGENCY_MONTH,
    AGENCY_MONTH_COUNTERS,
    BALANCE,
    BALANCE_COUNTERS,
    FLOW,
    FLOW_COUNTERS,
    STATUS,
    STATUS_COUNTERS,
    Fact,
    Pause,
)
from motcua.reporting.models import (
    AgencyMonth,
    BalanceRollup,
    ComplaintFact,
    DossierFact,
    FlowRollup,
    PetitionFact,
    StatusRollup,
    StepFact,
)
from motcua.reporting.satisfaction_actions import rebuild_satisfaction
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar

# --- the subscriber ------------------------------------------------------------------------


# read on every dossier action: compiled once per process (core.compiled)
_FACT = CompiledModel(lambda pk: DossierFact.objects.select_for_update().filter(pk=pk),
                      stand_in=ID_STAND_IN)


def record_change(event: DossierChanged) -> None:
    """Keep the dossier's fact and the rollups current, in the event's transaction."""
    d = event.dossier
    if d.received_at is None:  # not received: the index does not count it yet
        return
    row = _FACT.first(d.pk, router.db_for_write(DossierFact))
    old = fact_of_row(row) if row is not None else None
    # received by this very action: no pause yet (a supplement asked before receipt stops no
    # clock), so none to read
    new = current_fact(d, old, fresh=old is None and d.received_at == event.at)
    if new == old:
        return
    apply(facts.delta(old, new))
    save_fact(new, exists=row is not None)


def current_fact(d: Dossier, old: Fact | None, *, fresh: bool = False) -> Fact:
    """`d`'s fact, reading only what may have changed since `old`: its pauses when it was
    ever paused, its second supplement request once, its marks (MARKS) and whether its
    procedure's result is written once (later marks come by integration's and records'
    events). `fresh`: it was received just now."""
    assert d.received_at is not None
    pauses: list[Pause] = []
    if (old is None and not fresh) or (old is not None and old.had_pause) \
            or d.paused_at is not None:
        pauses = [Pause(*row) for row in ClockPause.objects.filter(dossier_id=d.pk)
                  .order_by("started_at", "pk").values_list("started_at", "ended_at",
                                                            "due_before")]
    second = old.second_supplement_at if old is not None else None
    if second is None and d.supplements_after_receipt >= 2:
        second = second_supplements([d.pk]).get(d.pk)
    marks: dict[str, bool]
    if old is not None:
        marks = {name: getattr(old, name) for name in MARKS}
        written = old.written_result
    else:
        # received just now: no result can be signed or digitized yet
        found = marks_of([d.pk], results=not fresh)
        marks = {name: d.pk in ids for name, ids in found.items()}
        written = written_result(d.procedure_version.results)
    state = facts.DossierState(
        id=d.pk, agency_id=d.handling_agency_id, sector_id=d.procedure.sector_id,
        procedure_id=d.procedure_id, channel=d.channel, received_at=d.received_at,
        finished_at=d.finished_at, due_at=d.due_at, paused_at=d.paused_at, code=d.code,
        status=d.status, with_result=d.outcome == RESULT, written_result=written)
    return facts.fact_of(state, pauses, second, marks.pop("reused"), get_calendar(),
                         settings.TIMELINESS_GRANULARITY, **marks)


def written_result(results: str) -> bool:
    """Whether a procedure's result is a written document: the catalogue names one (4.1)."""
    return bool((results or "").strip())


RESULT = "result"  # dossiers.Dossier.outcome: the result asked for (not a refusal)

# The marks other apps' events set on a fact (never unset), and who reads them: a dossier's
# first fact (and the rebuild) reads them all, later changes come by the events.
MARKS = ("reused", "identified", "synced", "e_result", "digitized", "stored")


def marks_of(dossier_ids: Sequence[int], *, results: bool = True) -> dict[str, set[int]]:
    """Which of the dossiers have each mark; `results=False`: skip the two that need a result
    (none before one is issued)."""
    out = {"reused": reusing(dossier_ids), "identified": identified_of(dossier_ids),
           "synced": synced_of(dossier_ids),
           "stored": national.used_national_store(dossier_ids)}
    out["e_result"] = results_of.with_signed_result(dossier_ids) if results else set()
    out["digitized"] = digitization.digitized(dossier_ids) if results else set()
    return out


def second_supplements(dossier_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """The time of each dossier's second supplement request after receipt, if any."""
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = SupplementRequest.objects.filter(dossier_id__in=dossier_ids, before_receipt=False) \
        .order_by("dossier_id", "requested_at", "pk").values_list("dossier_id", "requested_at")
    for dossier_id, at in rows:
        found[dossier_id].append(at)
    return {k: v[1] for k, v in found.items() if len(v) >= 2}


def reusing(dossier_ids: Sequence[int]) -> set[int]:
    """Those of the dossiers with a component reused from digitized data (DOMAIN.md §6)."""
    return set(DossierComponent.objects.filter(dossier_id__in=dossier_ids,
                                               source=ComponentSource.REUSED)
               .values_list("dossier_id", flat=True).distinct())


def identified_of(dossier_ids: Sequence[int]) -> set[int]:
    """Those of the dossiers whose applicant was identified from the population database or
    by a VNeID-verified account (integration.DossierIdentity; 4.5b)."""
    return set(DossierIdentity.objects.filter(
        Q(population_data_used=True) | Q(vneid_verified=True), dossier_id__in=dossier_ids)
        .values_list("dossier_id", flat=True))


def synced_of(dossier_ids: Sequence[int]) -> set[int]:
    """Those of the dossiers the national portal acknowledged (integration.PortalSync; 1.4)."""
    return set(PortalSync.objects.filter(dossier_id__in=dossier_ids)
               .values_list("dossier_id", flat=True))


def record_identified(event: DossierIdentified) -> None:
    _mark("identified", [event.dossier_id])


def record_synced(event: DossiersSynced) -> None:
    _mark("synced", event.dossier_ids)


def record_result_signed(event: ResultSigned) -> None:
    _mark("e_result", [event.result.dossier_id])


def record_digitized(event: DossierDigitized) -> None:
    _mark("digitized", [event.dossier_id])


def record_national_store(event: NationalStoreUsed) -> None:
    _mark("stored", event.dossier_ids)


def _mark(flag: str, dossier_ids: Sequence[int]) -> None:
    """Set `flag` on the facts of `dossier_ids` that lack it and move the rollups: a fixed
    number of statements whatever the number of dossiers."""
    ids = sorted(set(dossier_ids))
    # the dossiers' locks, as the dossier actions take them (module docstring)
    received = list(Dossier.objects.select_for_update().filter(
        pk__in=ids, received_at__isnull=False).order_by("pk").values_list("pk", flat=True))
    if not received:
        return
    rows = list(DossierFact.objects.filter(pk__in=received, **{flag: False}).order_by("pk"))
    if not rows:
        return
    changes: dict[facts.Contribution, int] = defaultdict(int)
    marked: dict[str, Any] = {flag: True}
    for row in rows:
        old = fact_of_row(row)
        new = replace(old, **marked)
        for key, amount in facts.delta(old, new).items():
            changes[key] += amount
        setattr(row, flag, True)
    apply({k: v for k, v in changes.items() if v})
    DossierFact.objects.bulk_update(rows, [flag])


FACT_FIELDS = ("agency_id", "sector_id", "procedure_id", "channel", "received_at", "ended_at",
               "outcome", "stop_at", "reused", "processing_seconds", "had_pause",
               "second_supplement_at", "code", "status", "due_at", "identified", "synced",
               "with_result", "written_result", "e_result", "digitized", "stored")


def fact_of_row(row: DossierFact) -> Fact:
    return Fact(row.pk, *(getattr(row, name) for name in FACT_FIELDS))


def row_of_fact(fact: Fact) -> DossierFact:
    return DossierFact(dossier_id=fact.dossier_id,
                       **{name: getattr(fact, name) for name in FACT_FIELDS})


def save_fact(fact: Fact, *, exists: bool) -> None:
    row = row_of_fact(fact)
    if exists:
        row.save(force_update=True)
    else:
        row.save(force_insert=True)


# --- the steps -----------------------------------------------------------------------------

STEP_FIELDS = ("dossier_id", "agency_id", "name", "holder_id", "started_at", "due_at",
               "finished_at")


def step_fact(step: StepInstance) -> StepFact:
    return StepFact(step_id=step.pk, dossier_id=step.dossier_id, agency_id=step.agency_id,
                    name=step.name, holder_id=step.assignee_id or step.acted_by_id,
                    started_at=step.started_at, due_at=step.due_at,
                    finished_at=step.finished_at)


def record_step(event: StepChanged) -> None:
    """Keep the step's fact current, in the step action's transaction: one upsert, its SQL
    written once (every claim and forward runs it; the ORM would compile it each time)."""
    fact, ops = step_fact(event.step), connection.ops
    params = [fact.step_id, *(getattr(fact, f) for f in STEP_FIELDS)]
    params = [ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v
              for v in params]
    with connection.cursor() as cursor:
        cursor.execute(_step_upsert(), params)


def _step_upsert() -> str:
    if not _STEP_SQL:
        qn = connection.ops.quote_name
        columns = []
        for name in ("step_id", *STEP_FIELDS):
            column = getattr(StepFact._meta.get_field(name.removesuffix("_id")), "column", None)
            assert isinstance(column, str)  # a concrete field
            columns.append(qn(column))
        table = qn(StepFact._meta.db_table)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
        _STEP_SQL.append(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - names from meta
            f"({', '.join(['%s'] * len(columns))}) ON CONFLICT ({columns[0]}) "
            f"DO UPDATE SET {updates}")
    return _STEP_SQL[0]


_STEP_SQL: list[str] = []


# --- moving the rollups --------------------------------------------------------------------

Rollup = type[FlowRollup] | type[BalanceRollup] | type[StatusRollup] | type[AgencyMonth]
TABLES: dict[str, tuple[Rollup, tuple[str, ...], tuple[str, ...]]] = {
    FLOW: (FlowRollup, ("agency", "sector", "procedure", "month"), FLOW_COUNTERS),
    BALANCE: (BalanceRollup, ("agency", "sector", "month"), BALANCE_COUNTERS),
    STATUS: (StatusRollup, ("agency", "sector", "month", "status"), STATUS_COUNTERS),
    AGENCY_MONTH: (AgencyMonth, ("agency", "month"), AGENCY_MONTH_COUNTERS),
}


def apply(changes: dict[facts.Contribution, int]) -> None:
    """Add `changes` to the rollups: one statement per table."""
    by_table: dict[str, dict[tuple[object, ...], dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict))
    for (table, key, counter), amount in changes.items():
        by_table[table][key][counter] = amount
    for table in sorted(by_table):
        model, keys, counters = TABLES[table]
        rows = sorted(by_table[table].items(), key=lambda item: _sortable(item[0]))
        _upsert(model, keys, counters, rows)


def _sortable(key: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in key)


def _column(model: Rollup, name: str) -> str:
    column = model._meta.get_field(name).column  # type: ignore[union-attr]  # a concrete field
    assert isinstance(column, str)
    return connection.ops.quote_name(column)


def _upsert(model: Rollup, keys: Sequence[str],
            counters: Sequence[str], rows: Sequence[tuple[tuple[object, ...], dict[str, int]]]
            ) -> None:
    if not rows:
        return
    meta, ops = model._meta, connection.ops
    qn = ops.quote_name
    table = qn(meta.db_table)
    key_columns = [_column(model, k) for k in keys]
    counter_columns = [_column(model, c) for c in counters]
    width = len(keys) + len(counters)
    values = ", ".join("(" + ", ".join(["%s"] * width) + ")" for _ in rows)
    params: list[int | str | None] = []
    for key, amounts in rows:
        params.extend(ops.adapt_datefield_value(part) if isinstance(part, dt.date)
                      else cast(int, part) for part in key)
        params.extend(amounts.get(c, 0) for c in counters)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counter_columns)
    columns, conflict = ", ".join(key_columns + counter_columns), ", ".join(key_columns)
    # names from the models' meta, quoted; every value a parameter
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) "  # noqa: S608
    sql += f"DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the full recomputation ----------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    facts: int
    flow_rows: int
    balance_rows: int
    seconds: float
    status_rows: int = 0
    steps: int = 0
    petition_facts: int = 0
    complaints: int = 0


def rebuild(*, batch: int = 5000) -> Rebuilt:
    """Delete the facts and rollups and compute them again from the raw dossiers, in one
    transaction. On PostgreSQL the three tables are locked meanwhile: dossier actions wait for
    the rebuild to commit (run it when few work, or accept that wait)."""
    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (
                DossierFact, FlowRollup, BalanceRollup, StatusRollup, AgencyMonth, StepFact,
                PetitionFact, ComplaintFact))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for model in (StepFact, DossierFact):
            model.objects.all().delete()
        count = 0
        for chunk in facts_from_dossiers(batch=batch):
            DossierFact.objects.bulk_create([row_of_fact(f) for f in chunk], batch_size=batch)
            count += len(chunk)
        flow, balance, status = rebuild_rollups(batch=batch)
        steps = _rebuild_steps(batch)
        petitions, complaints = rebuild_satisfaction(batch=batch)
    return Rebuilt(count, flow, balance, time.monotonic() - started, status, steps, petitions,
                   complaints)


def rebuild_rollups(*, batch: int = 5000) -> tuple[int, int, int]:
    """The rollups made again by grouping the facts in SQL (inside `rebuild`, or after a
    bulk load of facts); the numbers of flow, balance and status rows."""
    for model in (AgencyMonth, StatusRollup, BalanceRollup, FlowRollup):
        model.objects.all().delete()
    flow = FlowRollup.objects.bulk_create(_flow_rows(), batch_size=batch)
    balance = BalanceRollup.objects.bulk_create(_balance_rows(), batch_size=batch)
    status = StatusRollup.objects.bulk_create(_status_rows(), batch_size=batch)
    AgencyMonth.objects.bulk_create(_agency_month_rows(), batch_size=batch)
    return len(flow), len(balance), len(status)


def _rebuild_steps(batch: int) -> int:
    """Every step visit's fact, from the steps themselves."""
    count, last = 0, 0
    while True:
        chunk = list(StepInstance.objects.filter(pk__gt=last).order_by("pk").only(
            "pk", "dossier_id", "agency_id", "name", "assignee_id", "acted_by_id",
            "started_at", "due_at", "finished_at")[:batch])
        if not chunk:
            return count
        last = chunk[-1].pk
        StepFact.objects.bulk_create([step_fact(s) for s in chunk], batch_size=batch)
        count += len(chunk)


def facts_from_dossiers(*, batch: int = 5000, ids: Iterable[int] | None = None
                        ) -> Iterator[list[Fact]]:
    """The fact of every received dossier (or of those in `ids`), read from the dossiers and
    their pauses, supplement requests and components, `batch` dossiers at a time."""
    calendar, granularity = get_calendar(), settings.TIMELINESS_GRANULARITY
    received = Dossier.objects.filter(received_at__isnull=False)
    if ids is not None:
        received = received.filter(pk__in=list(ids))
    last = 0
    while True:
        rows = list(received.filter(pk__gt=last).order_by("pk").values_list(
            "pk", "handling_agency_id", "procedure__sector_id", "procedure_id", "channel",
            "received_at", "finished_at", "due_at", "paused_at", "supplements_after_receipt",
            "code", "status", "outcome", "procedure_version__results",
        )[:batch])
        if not rows:
            return
        last = rows[-1][0]
        dossier_ids = [r[0] for r in rows]
        pauses: dict[int, list[Pause]] = defaultdict(list)
        for dossier_id, started, ended, due_before in ClockPause.objects.filter(
                dossier_id__in=dossier_ids).order_by("dossier_id", "started_at", "pk") \
                .values_list("dossier_id", "started_at", "ended_at", "due_before"):
            pauses[dossier_id].append(Pause(started, ended, due_before))
        seconds = second_supplements([r[0] for r in rows if r[9] >= 2])
        marks = marks_of(dossier_ids)
        chunk = []
        for (pk, agency, sector, procedure, channel, received_at, finished, due, paused,
             _supplements, code, status, outcome, results) in rows:
            assert received_at is not None  # the filter above
            state = facts.DossierState(pk, agency, sector, procedure, channel, received_at,
                                       finished, due, paused, code, status,
                                       outcome == RESULT, written_result(results))
            has = {name: pk in ids for name, ids in marks.items()}
            chunk.append(facts.fact_of(state, pauses.get(pk, []), seconds.get(pk),
                                       has.pop("reused"), calendar, granularity, **has))
        yield chunk


def _month(value: dt.datetime) -> dt.date:
    local = value.astimezone(TZ)
    return dt.date(local.year, local.month, 1)


GroupKey = tuple[tuple[int, ...], dt.date]  # ids, month
# facts.Fact.result_due in SQL
RESULT_DUE = Q(ended_at__isnull=False, with_result=True, written_result=True)


def _grouped(by: str, keys: Sequence[str], **counts: Count | Sum
             ) -> Iterator[tuple[GroupKey, dict[str, int]]]:
    """The facts grouped by `keys` and the local month of `by`, with `counts`."""
    rows = DossierFact.objects.filter(**{f"{by}__isnull": False}) \
        .annotate(m=TruncMonth(by, tzinfo=TZ)).values(*keys, "m").annotate(**counts) \
        .order_by()
    for row in rows:
        key = (tuple(int(row[k]) for k in keys), _month(row["m"]))
        yield key, {name: row[name] or 0 for name in counts}


def _flow_counts(keys: Sequence[str]) -> dict[GroupKey, dict[str, int]]:
    """The flow counters of the facts grouped by `keys` and month."""
    merged: dict[GroupKey, dict[str, int]] = defaultdict(dict)
    for key, counts in _grouped(
            "received_at", keys, received=Count("pk"),
            received_counter=Count("pk", filter=Q(channel=facts.COUNTER)),
            received_online=Count("pk", filter=Q(channel=facts.ONLINE)),
            received_postal=Count("pk", filter=Q(channel=facts.POSTAL)),
            reused=Count("pk", filter=Q(reused=True)),
            identified=Count("pk", filter=Q(identified=True)),
            synced=Count("pk", filter=Q(synced=True)),
            stored=Count("pk", filter=Q(stored=True)),
            online_paper_only=Count("pk", filter=Q(RESULT_DUE, e_result=False,
                                                   channel=facts.ONLINE))):
        merged[key].update(counts)
    for key, counts in _grouped(
            "ended_at", keys, ended_early=Count("pk", filter=Q(outcome=facts.EARLY)),
            ended_on_time=Count("pk", filter=Q(outcome=facts.ON_TIME)),
            ended_late=Count("pk", filter=Q(outcome=facts.LATE)),
            processing_seconds=Sum("processing_seconds"),
            results_due=Count("pk", filter=RESULT_DUE),
            results_signed=Count("pk", filter=Q(RESULT_DUE, e_result=True)),
            results_digitized=Count("pk", filter=Q(RESULT_DUE, digitized=True))):
        merged[key].update(counts)
    return merged


def _flow_rows() -> list[FlowRollup]:
    return [FlowRollup(agency_id=a, sector_id=s, procedure_id=p, month=m, **counts)
            for ((a, s, p), m), counts in _flow_counts(
                ("agency_id", "sector_id", "procedure_id")).items()]


def _balance_counts(keys: Sequence[str]) -> dict[GroupKey, dict[str, int]]:
    merged: dict[GroupKey, dict[str, int]] = defaultdict(dict)
    for by, name in (("received_at", "received"), ("ended_at", "ended"),
                     ("stop_at", "stopped")):
        for key, counts in _grouped(by, keys, **{name: Count("pk")}):
            merged[key].update(counts)
    return merged


def _agency_month_rows() -> list[AgencyMonth]:
    merged = _flow_counts(("agency_id",))
    for key, counts in _balance_counts(("agency_id",)).items():
        merged[key].update({k: v for k, v in counts.items() if k != "received"})
    return [AgencyMonth(agency_id=a, month=m, **counts) for ((a,), m), counts in merged.items()]


def _balance_rows() -> list[BalanceRollup]:
    return [BalanceRollup(agency_id=a, sector_id=s, month=m, **counts)
            for ((a, s), m), counts in _balance_counts(("agency_id", "sector_id")).items()]


def _status_rows() -> list[StatusRollup]:
    keys = ("agency_id", "sector_id", "status")
    return [StatusRollup(agency_id=a, sector_id=s, status=st, month=m, dossiers=counts["n"])
            for ((a, s, st), m), counts in _grouped("received_at", keys, n=Count("pk"))]
