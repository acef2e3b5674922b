"""Statistics of dossier handling (issue 11, "Statistics and reports"), read from reporting's
own facts and rollups only (never another app's tables; names of agencies, procedures and
staff come from the reference tables they point to).

Each statistic is a `Table`: columns with a kind (number, ratio, text, instant, days) and rows
in column order, so that the API, the dashboard and the exports (`exports.py`) show the same
thing. A scope and a period are those of the index (`selectors.Scope`, `periods.Period`),
judged at the period's end or now while it runs.

- intake: dossiers received per day (a month or a quarter) or per month (a year), by channel;
- status: dossiers received in the period, per unit, by their status now;
- late-units: per unit, the dossiers of the period (received + carried over), those finished
  late and those unfinished and overdue at the end;
- late-officers: per person and unit, the late dossiers they held when the dossier became late
  (the step open at that instant; none held: the unit's queue), and their own steps that
  overran the step's time;
- late-dossiers: each late dossier with the step and holder when it became late and every step
  it went through (a large table: read in chunks);
- processing-times: 2.2, the average processing time per procedure;
- rates: per unit, the online, payment, digitization and reuse rates; those whose data a later
  capability fills say "no data" (None), naming the fields, as the index does;
- due: the unfinished dossiers near (within one working day) or past their legal due time, with
  who holds them now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Status
from motcua.org.models import Agency, User
from motcua.reporting import facts
from motcua.reporting.models import DossierFact, FlowRollup, StatusRollup, StepFact
from motcua.reporting.payments import read_payments
from motcua.reporting.periods import YEAR, Period
from motcua.reporting.selectors import (
    Scope,
    in_scope,
    processing_times,
    read_counts,
)
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar

INT, RATIO, TEXT, INSTANT, DAYS, DATE = "int", "ratio", "text", "instant", "days", "date"
KINDS = (INT, RATIO, TEXT, INSTANT, DAYS, DATE)
# The statuses a received dossier can have, in the order of its life (DOMAIN.md §4).
RECEIVED_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYING,
                     Status.INTEROPERATING, Status.RESULT_READY, Status.RETURNED,
                     Status.STOPPED, Status.WITHDRAWN)
PAUSED_STATUSES = (Status.SUPPLEMENT, Status.PAYING)
CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    kind: str = INT


@dataclass
class Table:
    """One statistic. `rows` may be an iterator (a large table is read in chunks): iterate it
    once. `count`: its number of rows. `missing`: per column, the fields not collected yet
    that its values (None) need."""

    code: str
    title: Promise | str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]]
    count: int
    note: Promise | str = ""
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)


TITLES: dict[str, Promise] = {
    "intake": _("Dossiers received, by channel"),
    "status": _("Dossiers received in the period, by status now"),
    "late-units": _("Late dossiers per unit"),
    "late-officers": _("Late dossiers per person"),
    "late-dossiers": _("Late dossiers and who held them"),
    "processing-times": _("Average processing time per procedure (2.2)"),
    "rates": _("Online, payment, digitization and reuse rates per unit"),
    "due": _("Unfinished dossiers near or past their legal due time"),
    "report-unit": _("Handling of administrative procedures, by unit"),
    "report-sector": _("Handling of administrative procedures, by sector"),
}


# --- names ---------------------------------------------------------------------------------


def agency_names(ids: Iterable[int] | None = None) -> dict[int, tuple[str, str]]:
    """id → (code, name) of the agencies (all when `ids` is None)."""
    agencies = Agency.objects.all()
    if ids is not None:
        agencies = agencies.filter(pk__in=sorted(set(ids)))
    return {pk: (code, name) for pk, code, name in agencies.values_list("pk", "code", "name")}


def person_names(ids: Iterable[int]) -> dict[int, str]:
    return {pk: full or username for pk, full, username in User.objects.filter(
        pk__in=sorted(set(ids))).values_list("pk", "full_name", "username")}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _t(period: Period, now: dt.datetime) -> dt.datetime:
    return period.evaluated_at(now)


# --- intake --------------------------------------------------------------------------------

INTAKE_COLUMNS = (
    Column("day", _("Day"), DATE), Column("counter", _("At the counter")),
    Column("online", _("Online")), Column("postal", _("By post")), Column("total", _("Total")),
)


def intake(scope: Scope, period: Period, now: dt.datetime) -> Table:
    """Dossiers received per local day (per month for a year), by channel."""
    by_channel: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if period.kind == YEAR:
        for row in FlowRollup.objects.filter(in_scope(scope, Q(month__in=period.months))) \
                .values("month").annotate(c=Sum("received_counter"), o=Sum("received_online"),
                                          p=Sum("received_postal")).order_by():
            counts = by_channel[row["month"]]
            counts[facts.COUNTER], counts[facts.ONLINE], counts[facts.POSTAL] = (
                row["c"] or 0, row["o"] or 0, row["p"] or 0)
        days = period.months
    else:
        for row in DossierFact.objects.filter(in_scope(scope, Q(
                received_at__gte=period.start, received_at__lt=_t(period, now)))) \
                .annotate(day=TruncDate("received_at", tzinfo=TZ)).values("day", "channel") \
                .annotate(n=Count("pk")).order_by():
            by_channel[row["day"]][row["channel"]] += row["n"]
        days = [period.first_day + dt.timedelta(days=n)
                for n in range((period.last_day - period.first_day).days + 1)]
    rows = []
    for day in days:
        c = by_channel.get(day, {})
        counter, online, postal = (c.get(facts.COUNTER, 0), c.get(facts.ONLINE, 0),
                                   c.get(facts.POSTAL, 0))
        rows.append((day, counter, online, postal, counter + online + postal))
    columns = INTAKE_COLUMNS if period.kind != YEAR else (
        Column("day", _("Month"), DATE), *INTAKE_COLUMNS[1:])
    return Table("intake", TITLES["intake"], columns, rows, len(rows))


# --- status per unit -----------------------------------------------------------------------


def status_per_unit(scope: Scope, period: Period, now: dt.datetime) -> Table:
    """The dossiers received in the period, per unit, by their status now."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in StatusRollup.objects.filter(in_scope(scope, Q(month__in=period.months))) \
            .values("agency_id", "status").annotate(n=Sum("dossiers")).order_by():
        if row["n"]:
            counts[row["agency_id"]][row["status"]] += row["n"]
    names = agency_names(counts)
    rows = []
    for agency_id in sorted(counts, key=lambda a: names[a]):
        by_status = counts[agency_id]
        rows.append((*names[agency_id], sum(by_status.values()),
                     *(by_status.get(s, 0) for s in RECEIVED_STATUSES)))
    columns = (Column("unit_code", _("Code"), TEXT), Column("unit", _("Unit"), TEXT),
               Column("received", _("Received")),
               *(Column(f"status_{int(s)}", s.label) for s in RECEIVED_STATUSES))
    return Table("status", TITLES["status"], columns, rows,
                 len(rows))


# --- late dossiers -------------------------------------------------------------------------


def late_per_unit(scope: Scope, period: Period, now: dt.datetime) -> Table:
    counts = read_counts(period, now, agency_ids=scope.agency_ids, sector_id=scope.sector_id)
    names = agency_names(k[0] for k in counts)
    rows = []
    for (agency_id,), c in sorted(counts.items(), key=lambda item: names[item[0][0]]):
        if not c.dossiers:
            continue
        late = c.ended_late + c.open_overdue
        rows.append((*names[agency_id], c.dossiers, c.ended_late, c.open_overdue, late,
                     _ratio(late, c.dossiers)))
    columns = (Column("unit_code", _("Code"), TEXT), Column("unit", _("Unit"), TEXT),
               Column("dossiers", _("Dossiers (received + carried over)")),
               Column("ended_late", _("Finished late")),
               Column("open_overdue", _("Unfinished, overdue")),
               Column("late", _("Late in all")), Column("late_rate", _("Late rate"), RATIO))
    return Table("late-units", TITLES["late-units"], columns, rows, len(rows))


def late_facts(scope: Scope, period: Period, now: dt.datetime) -> Q:
    """The dossiers of the period that are late: finished late in it, or unfinished and no
    longer in time at its end (overdue, or a second supplement request)."""
    t = _t(period, now)
    ended_late = Q(ended_at__gte=period.start, ended_at__lt=t, outcome=facts.LATE)
    overdue = Q(stop_at__lt=t) & (Q(ended_at__isnull=True) | Q(ended_at__gte=t))
    return in_scope(scope, ended_late | overdue)


def _held_when_late(late: Q) -> Any:
    """The step facts open at the instant their dossier stopped being in time."""
    stop = DossierFact.objects.filter(pk=OuterRef("dossier_id")).values("stop_at")[:1]
    return StepFact.objects.annotate(late_at=Subquery(stop)) \
        .filter(dossier_id__in=DossierFact.objects.filter(late).values("pk")) \
        .filter(Q(started_at__lte=F("late_at")),
                Q(finished_at__isnull=True) | Q(finished_at__gt=F("late_at")))


def late_per_officer(scope: Scope, period: Period, now: dt.datetime) -> Table:
    t = _t(period, now)
    held: dict[tuple[int, int | None], int] = {}
    for row in _held_when_late(late_facts(scope, period, now)) \
            .values("agency_id", "holder_id").annotate(n=Count("dossier_id", distinct=True)) \
            .order_by():
        held[(row["agency_id"], row["holder_id"])] = row["n"]
    overran: dict[tuple[int, int | None], int] = {}
    steps = StepFact.objects.filter(
        Q(finished_at__gte=period.start, finished_at__lt=t, finished_at__gt=F("due_at"))
        | (Q(due_at__lt=t) & (Q(finished_at__isnull=True) | Q(finished_at__gte=t))),
        started_at__lt=t)
    if scope.agency_ids is not None:
        steps = steps.filter(agency_id__in=sorted(scope.agency_ids))
    if scope.sector_id is not None:
        steps = steps.filter(dossier_id__in=DossierFact.objects.filter(
            sector_id=scope.sector_id).values("pk"))
    for row in steps.values("agency_id", "holder_id").annotate(n=Count("pk")).order_by():
        overran[(row["agency_id"], row["holder_id"])] = row["n"]
    keys = set(held) | set(overran)
    agencies = agency_names(k[0] for k in keys)
    people = person_names(k[1] for k in keys if k[1] is not None)
    queue = str(_("(the unit's queue: nobody had taken the step)"))
    rows = [(people.get(h, queue) if h is not None else queue, *agencies[a],
             held.get((a, h), 0), overran.get((a, h), 0))
            for a, h in keys]
    rows.sort(key=lambda r: (-r[3], -r[4], r[2], r[0]))
    columns = (Column("person", _("Person"), TEXT), Column("unit_code", _("Code"), TEXT),
               Column("unit", _("Unit"), TEXT),
               Column("late_dossiers", _("Late dossiers held when they became late")),
               Column("late_steps", _("Own steps past their time")))
    return Table("late-officers", TITLES["late-officers"], columns, rows, len(rows),
                 note=_("A dossier counts for whoever held its step at the instant it stopped "
                        "being in time; dossiers that follow no internal process count for "
                        "nobody here (see the late dossiers per unit)."))


LATE_DOSSIER_COLUMNS = (
    Column("code", _("Dossier code"), TEXT), Column("procedure", _("Procedure"), TEXT),
    Column("unit", _("Handling unit"), TEXT), Column("status", _("Status"), TEXT),
    Column("received_at", _("Received"), INSTANT), Column("due_at", _("Legal due time"), INSTANT),
    Column("ended_at", _("Finished"), INSTANT),
    Column("late_at", _("Late since"), INSTANT),
    Column("held_when_late", _("Held when it became late"), TEXT),
    Column("steps", _("Steps (who held them, from – to)"), TEXT),
)


def _instant(value: dt.datetime | None) -> str:
    return value.astimezone(TZ).strftime("%H:%M %d/%m/%Y") if value else ""


def _step_text(step: StepFact, names: dict[int, str], agencies: dict[int, tuple[str, str]],
               now: dt.datetime) -> str:
    who = names.get(step.holder_id, "") if step.holder_id else str(_("unit queue"))
    until = _instant(step.finished_at) if step.finished_at else str(_("now"))
    end = step.finished_at or now
    over = str(_(" — past the step's time")) if end > step.due_at else ""
    return f"{step.name}: {who} ({agencies.get(step.agency_id, ('', ''))[1]}), " \
           f"{_instant(step.started_at)} – {until}{over}"


def _with_steps(rows: list[DossierFact], now: dt.datetime
                ) -> Iterator[tuple[DossierFact, list[StepFact]]]:
    steps: dict[int, list[StepFact]] = defaultdict(list)
    for s in StepFact.objects.filter(dossier_id__in=[r.pk for r in rows]) \
            .order_by("dossier_id", "started_at", "pk"):
        steps[s.dossier_id].append(s)
    for r in rows:
        yield r, steps.get(r.pk, [])


def _chunks(query: Any, order: tuple[str, ...]) -> Iterator[list[DossierFact]]:
    """The facts of `query` in chunks of CHUNK, by keyset on (`order`, pk): constant memory
    for a table of any length (no server-side cursor held across a streamed response)."""
    rows = query.select_related("procedure").order_by(*order, "pk")
    chunk = list(rows[:CHUNK])
    while chunk:
        yield chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1]
        key = order[0]
        value = getattr(last, key)
        chunk = list(rows.filter(Q(**{f"{key}__gt": value})
                                 | Q(**{key: value, "pk__gt": last.pk}))[:CHUNK])


def late_dossiers(scope: Scope, period: Period, now: dt.datetime) -> Table:
    late = late_facts(scope, period, now)
    query = DossierFact.objects.filter(late)
    count = query.count()
    agencies = agency_names()
    t = _t(period, now)

    def rows() -> Iterator[tuple[Any, ...]]:
        for chunk in _chunks(query, ("stop_at",)):
            pairs = list(_with_steps(chunk, t))
            names = person_names(s.holder_id for _f, steps in pairs for s in steps
                                 if s.holder_id)
            for f, steps in pairs:
                late_at = f.stop_at
                held = [s for s in steps if late_at is not None and s.started_at <= late_at
                        and (s.finished_at is None or s.finished_at > late_at)]
                yield (f.code, f"{f.procedure.code or ''} {f.procedure.name}".strip(),
                       agencies.get(f.agency_id, ("", ""))[1], str(Status(f.status).label),
                       f.received_at, f.due_at, f.ended_at, late_at,
                       "; ".join(_step_text(s, names, agencies, t) for s in held),
                       "; ".join(_step_text(s, names, agencies, t) for s in steps))

    return Table("late-dossiers", TITLES["late-dossiers"], LATE_DOSSIER_COLUMNS,
                 rows(), count)


# --- processing time, rates ----------------------------------------------------------------


def processing_time_table(scope: Scope, period: Period, now: dt.datetime) -> Table:
    rows = [(t.code or "", t.name, t.ended, round(t.average_days, 2))
            for t in processing_times(scope, period)]
    columns = (Column("procedure_code", _("Procedure code"), TEXT),
               Column("procedure", _("Procedure"), TEXT),
               Column("ended", _("Finished in the period")),
               Column("average_days", _("Average processing time (working days)"), DAYS))
    return Table("processing-times", TITLES["processing-times"], columns,
                 rows, len(rows), note=_("From receipt to end, supplement and payment time "
                                         "deducted; shown, not scored."))


def rates(scope: Scope, period: Period, now: dt.datetime) -> Table:
    counts = read_counts(period, now, agency_ids=scope.agency_ids, sector_id=scope.sector_id)
    names = agency_names(k[0] for k in counts)
    payments = read_payments(period, now, agency_ids=scope.agency_ids,
                             sector_id=scope.sector_id)
    rows = []
    for (agency_id,), c in sorted(counts.items(), key=lambda item: names[item[0][0]]):
        if not (c.received or c.results_due):
            continue
        paid = payments.counters((), (agency_id,))
        rows.append((*names[agency_id], c.received, c.received_online,
                     _ratio(c.received_online, c.received),
                     _ratio(paid["paid_online"], paid["payable_dossiers"]),
                     _ratio(c.results_signed, c.results_due),
                     _ratio(c.results_digitized, c.results_due), c.reused,
                     _ratio(c.reused, c.received)))
    columns = (Column("unit_code", _("Code"), TEXT), Column("unit", _("Unit"), TEXT),
               Column("received", _("Received")), Column("online", _("Received online")),
               Column("online_rate", _("Online rate"), RATIO),
               Column("payment_rate", _("Paid online (3.6)"), RATIO),
               Column("e_result_rate", _("Signed electronic results (4.1)"), RATIO),
               Column("digitization_rate", _("Digitized (4.2)"), RATIO),
               Column("reused", _("Reusing digitized data")),
               Column("reuse_rate", _("Reuse rate (4.3)"), RATIO))
    return Table("rates", TITLES["rates"], columns, rows, len(rows))


# --- the dossiers near or past their due time ----------------------------------------------

DUE_COLUMNS = (
    Column("code", _("Dossier code"), TEXT), Column("procedure", _("Procedure"), TEXT),
    Column("unit", _("Handling unit"), TEXT), Column("status", _("Status"), TEXT),
    Column("due_at", _("Legal due time"), INSTANT),
    Column("state", _("Overdue or due soon"), TEXT),
    Column("holder", _("Held now by"), TEXT),
)


def due_query(scope: Scope, now: dt.datetime) -> Any:
    """The unfinished dossiers whose time runs out within one working day, or has run out
    (or that count late already: a second supplement request), soonest first. Those waiting
    for the applicant have no running clock and are left out."""
    horizon = get_calendar().add_working_seconds(now, get_calendar().rules.working_seconds_per_day)
    return DossierFact.objects.filter(in_scope(scope, Q(ended_at__isnull=True,
                                                        stop_at__lt=horizon))) \
        .exclude(status__in=PAUSED_STATUSES)


def due(scope: Scope, period: Period, now: dt.datetime) -> Table:
    query = due_query(scope, now)
    count = query.count()
    agencies = agency_names()

    def rows() -> Iterator[tuple[Any, ...]]:
        for chunk in _chunks(query, ("stop_at",)):
            open_steps: dict[int, list[StepFact]] = defaultdict(list)
            for s in StepFact.objects.filter(dossier_id__in=[f.pk for f in chunk],
                                             finished_at__isnull=True).order_by("started_at"):
                open_steps[s.dossier_id].append(s)
            names = person_names(s.holder_id for steps in open_steps.values() for s in steps
                                 if s.holder_id)
            for f in chunk:
                yield (f.code, f"{f.procedure.code or ''} {f.procedure.name}".strip(),
                       agencies.get(f.agency_id, ("", ""))[1], str(Status(f.status).label),
                       f.due_at, due_state(f.stop_at, now),
                       "; ".join(holder_text(s, names, agencies) for s in open_steps[f.pk]))

    return Table("due", TITLES["due"], DUE_COLUMNS,
                 rows(), count)


def due_state(stop_at: dt.datetime | None, now: dt.datetime) -> str:
    if stop_at is None:
        return ""
    if stop_at <= now:
        return str(_("late since %(when)s") % {"when": _instant(stop_at)})
    return str(_("due at %(when)s") % {"when": _instant(stop_at)})


def holder_text(step: StepFact, names: dict[int, str],
                agencies: dict[int, tuple[str, str]]) -> str:
    who = names.get(step.holder_id, "") if step.holder_id else str(_("unit queue"))
    return f"{who}, {step.name} ({agencies.get(step.agency_id, ('', ''))[1]})"


# --- the registry --------------------------------------------------------------------------

Builder = Callable[[Scope, Period, dt.datetime], Table]
TABLES: dict[str, Builder] = {
    "intake": intake,
    "status": status_per_unit,
    "late-units": late_per_unit,
    "late-officers": late_per_officer,
    "late-dossiers": late_dossiers,
    "processing-times": processing_time_table,
    "rates": rates,
    "due": due,
}
