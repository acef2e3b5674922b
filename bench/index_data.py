"""The index benchmark's data: N realistic dossiers of the demo province bulk-loaded into
PostgreSQL with COPY, and their index facts and rollups.

- The world: the administrative units, the 37 real procedures (in force five years back) and
  the demo province Ninh Bình (motcua/demo/org.py: its 129 communes' People's Committees and
  service centers, the provincial center, departments and sector agencies).
- Dossiers over the last `years` years (local working hours of working days): a commune-level
  procedure handled by a commune's People's Committee and received at its center (10 % at the
  provincial center), a province-level one by a department or sector agency, received at the
  provincial center; channels 55 % counter, 40 % online, 5 % post. Every status and timeliness:
  finished early, on the due day, late; withdrawn, stopped, refused on the merits; older than
  60 days almost all finished, recent ones open as well (received, processing, inter-agency,
  waiting for a supplement or a payment) in time or overdue; 4 % with a supplement pause, 1 %
  with a second supplement request (late by rule), 3 % reusing digitized data; online
  submissions not yet received and refusals at receipt (no fact: never received).
- The facts: computed for every dossier by the index's own code (`reporting.facts.fact_of`
  with the working calendar), COPYed beside the dossiers; the rollups then grouped in SQL
  (`reporting.actions.rebuild_rollups`). `verify` recomputes a sample of facts from the raw
  rows (`reporting.actions.facts_from_dossiers`) and compares.

Rows are written with COPY in batches (psycopg 3, text format), foreign-key triggers off
(session_replication_role = replica; the ids are consistent by construction), then
VACUUM ANALYZE.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import multiprocessing
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

BATCH = 20_000
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em",
         "Vũ Thị Giang", "Đặng Minh Hải", "Bùi Thị Lan")


@dataclass
class World:
    procedures: list[dict[str, Any]]  # id, version, sector, level, duration
    communes: list[tuple[int, int, int]]  # unit, People's Committee, service center
    province_center: tuple[int, str]
    departments: list[int]  # province-level handling agencies
    codes: dict[int, str]  # agency id → identifier code
    citizen: int | None = None
    counters: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))


def build_world(now: dt.datetime, years: int) -> World:
    from django.test.utils import override_settings

    from motcua.catalog.importers import load_procedures
    from motcua.catalog.models import ProcedureVersion
    from motcua.demo.org import DEFAULT_PASSWORD, build_demo_org
    from motcua.org.importers import load_units
    from motcua.org.models import Agency, User

    load_units()
    load_procedures(effective_from=dt.date(now.year - years - 1, 1, 1))
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        build_demo_org("37", DEFAULT_PASSWORD)
    agencies = list(Agency.objects.select_related("unit").filter(is_active=True))
    codes = {a.pk: a.code for a in agencies}
    centers = {a.unit_id: a.pk for a in agencies if a.kind == Agency.Kind.COMMUNE_CENTER}
    communes = sorted((a.unit_id, a.pk, centers[a.unit_id]) for a in agencies
                      if a.kind == Agency.Kind.COMMUNE_PC and a.unit_id in centers)
    province_center = next(a for a in agencies if a.kind == Agency.Kind.PROVINCE_CENTER)
    departments = sorted(a.pk for a in agencies
                         if a.kind in (Agency.Kind.DEPARTMENT, Agency.Kind.SECTOR))
    procedures = []
    for v in ProcedureVersion.objects.select_related("procedure").order_by("procedure_id",
                                                                           "-number"):
        if any(p["id"] == v.procedure_id for p in procedures):
            continue
        procedures.append({"id": v.procedure_id, "version": v.pk,
                           "sector": v.procedure.sector_id, "level": v.procedure.level,
                           "duration": v.duration(), "online": v.duration(online=True),
                           "written": bool((v.results or "").strip())})
    citizen = User.objects.filter(username="citizen.an").values_list("pk", flat=True).first()
    return World(procedures, communes, (province_center.pk, province_center.code), departments,
                 codes, citizen)


# --- one dossier ------------------------------------------------------------------------------


@dataclass
class Drawn:
    """A generated dossier, its pauses and supplement requests, and its fact."""

    row: list[Any]
    pauses: list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None,
                       dt.datetime | None]] = field(default_factory=list)
    requests: list[dt.datetime] = field(default_factory=list)
    reused: bool = False
    fact: Any = None


# Receipts fall on 5-minute marks of the working hours (07:00–11:30, 13:30–17:00), so that the
# due times of a (receipt, duration) repeat and are computed once (`_due`).
SLOTS = [m for m in range(7 * 60, 17 * 60, 5) if not 11 * 60 + 30 <= m < 13 * 60 + 30]


def _working_instant(rng: random.Random, days: list[dt.date]) -> dt.datetime:
    """A random working moment of one of `days` (working days)."""
    from motcua.workcalendar.rules import TZ

    day = days[rng.randrange(len(days))]
    minutes = SLOTS[rng.randrange(len(SLOTS))]
    return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=TZ)


@functools.lru_cache(maxsize=500_000)
def _due(received: dt.datetime, duration: Any) -> dt.datetime:
    return CALENDAR[0].due_date(received, duration).due_at


CALENDAR: list[Any] = []  # the working calendar, set before the workers start (fork)


def draw(n: int, rng: random.Random, w: World, calendar: Any, now: dt.datetime,
         days: list[dt.date], granularity: str) -> Drawn:
    from motcua.reporting import facts
    from motcua.workcalendar.rules import TZ

    p = rng.choice(w.procedures)
    channel = rng.choices((1, 2, 3), (55, 40, 5))[0]
    if p["level"] == "province":
        handling = rng.choice(w.departments)
        unit, receiving = None, w.province_center[0]
    else:
        unit, handling, receiving = rng.choice(w.communes)
        if rng.random() < 0.10:
            receiving = w.province_center[0]
    received = _working_instant(rng, days)
    submitted = received - dt.timedelta(minutes=rng.randrange(5, 600))
    duration = p["online"] if channel == 2 else p["duration"]
    due = _due(received, duration) if duration else None
    age = (now - received).days
    u = rng.random()
    status, finished, returned, paused_at = 4, None, None, None
    pauses: list[tuple[Any, Any, Any, Any]] = []
    requests: list[dt.datetime] = []
    never_received = False
    if channel == 2 and age < 3 and u < 0.3:
        status, never_received = 1, True  # submitted online, not yet received
    elif u < 0.015:
        status, never_received = 3, True  # refused at receipt
    if not never_received:
        pause_draw = rng.random()
        span = (due - received) if due else dt.timedelta(days=3)
        if pause_draw < 0.05:  # a supplement: the clock stops for a while
            p_start = received + span * rng.uniform(0.1, 0.6)
            p_end = p_start + dt.timedelta(hours=rng.randrange(4, 96))
            if p_end > now:
                p_end = None
            due_before = due
            due_after = calendar.shift_for_pause(due, p_start, p_end) if due and p_end else None
            pauses.append((p_start, p_end, due_before, due_after))
            requests.append(p_start)
            if p_end is None:
                status, paused_at = 5, p_start
            elif due_after is not None:
                due = due_after
            if pause_draw < 0.01 and p_end is not None:  # a second request: late by rule
                requests.append(p_end + dt.timedelta(hours=2))
        if status != 5:
            limit = due or (received + dt.timedelta(days=5))
            old = age > 60
            v = rng.random()
            end: dt.datetime | None
            if v < (0.55 if old else 0.35):  # early
                end = received + (limit - received) * rng.uniform(0.1, 0.6)
            elif v < (0.80 if old else 0.50):  # on the due day
                end = limit - dt.timedelta(minutes=rng.randrange(1, 240))
            elif v < (0.95 if old else 0.62):  # late
                end = calendar.add_working_seconds(limit, rng.randrange(3600, 10 * 8 * 3600))
            elif v < (0.97 if old else 0.64):
                end = received + (limit - received) * rng.uniform(0.1, 0.9)
                status = rng.choice((7, 8))  # withdrawn, stopped
            else:
                end = None  # still open
            if end is not None and end >= now:
                end = None
            if end is not None and status not in (7, 8):
                status = 10 if (now - end).days > 5 or rng.random() < 0.7 else 9
                if status == 10:
                    returned = min(now, end + dt.timedelta(hours=rng.randrange(1, 72)))
            if end is not None:
                finished = end
                if pauses and pauses[0][1] is None:
                    pauses[0] = (pauses[0][0], end, pauses[0][2], pauses[0][3])
            if end is None:
                status = rng.choices((2, 4, 0, 6), (15, 65, 10, 10))[0]
                if status == 6:  # a payment due: paused since a moment before now
                    p_start = max(received, now - dt.timedelta(hours=rng.randrange(1, 200)))
                    pauses.append((p_start, None, due, None))
                    paused_at = p_start
    code = received.astimezone(TZ).strftime("%y%m%d")  # numbered in draw_chunk
    reused = channel == 2 and rng.random() < 0.08
    drawn = Drawn([n, code, p["id"], p["version"], channel, status, receiving, handling,
                   unit, submitted, None if never_received else received,
                   None if never_received else received, due, due, paused_at, finished,
                   returned, sum(1 for _ in requests), rng.choice(NAMES),
                   w.citizen if channel == 2 else None],
                  pauses, requests, reused)
    if not never_received:
        state = facts.DossierState(n, handling, p["sector"], p["id"], channel, received,
                                   finished, due, paused_at, code, status,
                                   with_result=status in WITH_RESULT,
                                   written_result=p["written"])
        second = requests[1] if len(requests) >= 2 else None
        drawn.fact = facts.fact_of(state, [facts.Pause(a, b, c) for a, b, c, _d in pauses],
                                   second, reused, calendar, granularity)
    return drawn


# --- COPY ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "procedure_version_id", "channel", "status",
    "receiving_agency_id", "handling_agency_id", "applicant_commune_id", "submitted_at",
    "received_at", "counted_from", "due_at", "appointment_at", "paused_at", "finished_at",
    "returned_at", "supplements_after_receipt", "applicant_name", "account_id",
    "applicant_kind", "applicant_id_number", "applicant_tax_code", "applicant_phone",
    "applicant_email", "applicant_address", "representative_name", "form_data", "apologies",
    "updated_at", "outcome",
)
FACT_COLUMNS = ("dossier_id", "agency_id", "sector_id", "procedure_id", "channel",
                "received_at", "ended_at", "outcome", "stop_at", "reused", "processing_seconds",
                "had_pause", "second_supplement_at", "code", "status", "due_at", "identified",
                "synced", "with_result", "written_result")
# processed with a result, or returned: the result asked for (dossiers.Dossier.outcome)
WITH_RESULT = (9, 10)


@dataclass
class Loaded:
    dossiers: int
    facts: int
    seconds: dict[str, float]
    by_status: dict[int, int]
    outcomes: dict[str, int]
    open_overdue: int


TABLES = {
    "dossiers_dossier": DOSSIER_COLUMNS,
    "reporting_dossierfact": FACT_COLUMNS,
    "dossiers_clockpause": ("dossier_id", "reason", "started_at", "ended_at", "due_before",
                            "due_after"),
    "dossiers_supplementrequest": ("dossier_id", "requested_at", "items", "reason",
                                   "before_receipt", "fulfilled_at"),
    "dossiers_dossiercomponent": ("dossier_id", "name", "copies", "is_paper", "source",
                                  "reference", "is_authorization", "required"),
}


@dataclass
class Chunk:
    """The rows of a run of days, drawn by one worker process: COPY text per table."""

    text: dict[str, str]
    rows: dict[str, int]
    by_status: dict[int, int]
    outcomes: dict[str, int]
    overdue: int


JOB: dict[str, Any] = {}  # what the workers read (set before they fork)


def draw_chunk(job: tuple[int, int, int, int, int]) -> Chunk:
    """Dossiers first_id … first_id + count − 1, received on days[day_from:day_to]."""
    index, first_id, count, day_from, day_to = job
    w, now, granularity = JOB["world"], JOB["now"], JOB["granularity"]
    days = JOB["days"][day_from:day_to]
    rng = random.Random(JOB["seed"] * 100_003 + index)
    out = {t: io.StringIO() for t in TABLES}
    rows = dict.fromkeys(TABLES, 0)
    by_status: dict[int, int] = defaultdict(int)
    outcomes: dict[str, int] = defaultdict(int)
    overdue = 0
    drawn = [draw(n, rng, w, CALENDAR[0], now, days, granularity)
             for n in range(first_id, first_id + count)]
    # codes: numbered 1, 2, 3 … per receiving agency and day in the order of submission
    drawn.sort(key=lambda d: d.row[9])
    for d in drawn:
        key = (d.row[6], d.row[1])
        w.counters[key] += 1
        d.row[1] = f"{w.codes[d.row[6]]}-{d.row[1]}-{w.counters[key]:04d}"
        if d.fact is not None:
            d.fact = dataclasses.replace(d.fact, code=d.row[1])

    def add(table: str, values: Any) -> None:
        out[table].write("\t".join(_text(v) for v in values) + "\n")
        rows[table] += 1

    for d in drawn:
        n, row = d.row[0], d.row
        add("dossiers_dossier", [
            *row, "person", f"0370{n % 100_000_000:08d}", "", f"09{n % 100_000_000:08d}", "",
            f"Số {n % 300 + 1} đường Trần Hưng Đạo", "", "{}", 0, now,
            "result" if row[5] in WITH_RESULT else ""])
        by_status[row[5]] += 1
        for p_start, p_end, before, after in d.pauses:
            reason = "payment" if row[5] == 6 and p_end is None and not d.requests else \
                "supplement"
            add("dossiers_clockpause", (n, reason, p_start, p_end, before, after))
        for k, at in enumerate(d.requests):
            answered = at + dt.timedelta(hours=4)
            add("dossiers_supplementrequest", (
                n, at, '[{"name": "Tờ khai"}]', "Còn thiếu" if k == 0 else "Thiếu bản sao",
                False, answered if answered < now else None))
        if d.reused:
            add("dossiers_dossiercomponent", (n, "Tờ khai", 1, False, "reused", "kho-du-lieu",
                                             False, True))
        f = d.fact
        if f is not None:
            add("reporting_dossierfact", (
                n, f.agency_id, f.sector_id, f.procedure_id, f.channel, f.received_at,
                f.ended_at, f.outcome, f.stop_at, f.reused, f.processing_seconds, f.had_pause,
                f.second_supplement_at, f.code, f.status, f.due_at, f.identified, f.synced,
                f.with_result, f.written_result))
            if f.outcome:
                outcomes[f.outcome] += 1
            elif f.stop_at is not None and f.stop_at <= now:
                overdue += 1
    w.counters.clear()
    return Chunk({t: b.getvalue() for t, b in out.items()}, rows, dict(by_status),
                 dict(outcomes), overdue)


def generate(rows: int, now: dt.datetime, *, years: int = 5, seed: int = 766,
             processes: int = 2) -> Loaded:
    """Load `rows` dossiers and their index (see the module docstring) into the default
    database, which must be PostgreSQL and hold no dossier yet. `processes` worker processes
    draw the rows (by runs of days) while this one COPYs them."""
    from django.conf import settings
    from django.db import connection, connections

    from motcua.reporting.actions import rebuild_rollups
    from motcua.workcalendar.rules import TZ
    from motcua.workcalendar.service import get_calendar

    timings: dict[str, float] = {}
    started = time.monotonic()
    w = build_world(now, years)
    calendar = get_calendar()
    CALENDAR[:] = [calendar]
    first = (now - dt.timedelta(days=365 * years)).astimezone(TZ).date()
    today = now.astimezone(TZ).date()
    days = [first + dt.timedelta(days=k) for k in range((today - first).days)
            if calendar.is_working_day(first + dt.timedelta(days=k))]
    JOB.update(world=w, now=now, granularity=settings.TIMELINESS_GRANULARITY, days=days,
               seed=seed)
    parts = max(1, min(len(days), rows // 20_000 + 1))
    jobs, next_id = [], 1
    for k in range(parts):
        day_from, day_to = len(days) * k // parts, len(days) * (k + 1) // parts
        count = rows * (k + 1) // parts - rows * k // parts
        jobs.append((k, next_id, count, day_from, day_to))
        next_id += count
    timings["world"] = time.monotonic() - started
    started = time.monotonic()
    by_status: dict[int, int] = defaultdict(int)
    outcomes: dict[str, int] = defaultdict(int)
    counts = dict.fromkeys(TABLES, 0)
    overdue = 0
    connections.close_all()  # the workers fork: no connection of ours in them
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool, connection.cursor() as c:
        c.execute("SET synchronous_commit = off")
        c.execute("SET session_replication_role = replica")
        raw = c.connection.cursor()
        for chunk in pool.imap(draw_chunk, jobs):
            for table, text in chunk.text.items():
                if text:
                    with raw.copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") \
                            as copy:
                        copy.write(text)
                counts[table] += chunk.rows[table]
            for status, n in chunk.by_status.items():
                by_status[status] += n
            for outcome, n in chunk.outcomes.items():
                outcomes[outcome] += n
            overdue += chunk.overdue
        timings["dossiers and facts (drawn by the index's code, COPY)"] = \
            time.monotonic() - started
        c.execute("SET session_replication_role = origin")
        for table in ("dossiers_dossier", "dossiers_clockpause", "dossiers_supplementrequest",
                      "dossiers_dossiercomponent"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                      f"(SELECT coalesce(max(id), 1) FROM {table}))")
    started = time.monotonic()
    rebuild_rollups()
    timings["rollups (grouped in SQL)"] = time.monotonic() - started
    started = time.monotonic()
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE)")
    timings["VACUUM ANALYZE"] = time.monotonic() - started
    return Loaded(rows, counts["reporting_dossierfact"], timings, dict(by_status),
                  dict(outcomes), overdue)


def verify(sample: int = 2000, seed: int = 1) -> tuple[int, int]:
    """Recompute `sample` facts from the raw dossier rows with the index's own reading
    (`facts_from_dossiers`) and compare with the generated ones: (compared, different)."""
    from motcua.reporting.actions import fact_of_row, facts_from_dossiers
    from motcua.reporting.models import DossierFact

    ids = list(DossierFact.objects.order_by("?").values_list("pk", flat=True)[:sample])
    stored = {f.pk: fact_of_row(f) for f in DossierFact.objects.filter(pk__in=ids)}
    different = 0
    for chunk in facts_from_dossiers(ids=ids):
        for fact in chunk:
            if stored.get(fact.dossier_id) != fact:
                different += 1
    return len(ids), different
