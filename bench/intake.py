"""Intake benchmarks: online submission over HTTP, tracking lookups on a large table, due dates.

Usage: .venv/bin/python bench/intake.py [--quick] [--rows N] [--seconds S] [--connections C]

Every figure is printed with the ceiling it is judged against, measured in the same run by
../shared/tools/ceilings.sh (DESIGN.md, "Performance targets"), and its ratio to that ceiling.
The run owns one PostgreSQL database, motcua_bench, created at the start and dropped at the end
(also on error). Needs wrk (Debian), pgbench/psql, PostgreSQL at 127.0.0.1:5432 (user postgres).
Helpers shared with bench/worklist.py live in bench/common.py.

1. ceilings, then a fresh motcua_bench: migrate, a small org (motcua/tests/builders.py), a
   procedure, API tokens for a citizen and an integrating system;
2. due-date computations per second, pure WorkCalendar and through get_calendar();
3. POST /api/v1/dossiers under gunicorn (3 sync workers) with C concurrent wrk connections for
   S seconds: dossiers/s, latency percentiles, errors; then the database is checked (one dossier
   per 201, codes unique and without gaps per agency and day);
4. N dossier rows bulk-inserted with SQL, VACUUM ANALYZE, then GET /api/v1/tracking/<code>
   (16 connections as asked, 3 = the workers for the service time), GET /api/v1/dossiers/<code>
   as a one-stop officer of one of the ten units (his unit's codes; 16 connections, then 3 =
   the workers: judged), /healthz for reference;
5. RSS of the gunicorn workers after each load; gunicorn stopped, motcua_bench dropped.

--quick (20 k rows, 5 s loads, 5 s ceilings) only checks that the script works: never record it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    BENCH,
    RSS_MB,
    LockSampler,
    Report,
    Server,
    begin,
    cpu_line,
    create_database,
    django_setup,
    fill,
    finish,
    measure_ceilings,
    ratio,
    run,
    run_read_load,
    run_wrk,
    summarize_queries,
    wait_for_quiet,
    wait_quiet,
)

DB = "motcua_bench"
AGENCIES = 10  # receiving agencies the bulk rows are spread over
PER_DAY = 200  # bulk dossiers per agency per day


# --- targets (DESIGN.md "Performance targets") ---------------------------------------------

SUBMIT_SHARE_OF_PGBENCH = 0.10
SUBMIT_P99_MS = 100.0
TRACKING_SHARE_OF_PK_READ = 0.50
TRACKING_P95_MS = 10.0
DETAIL_P95_MS = 30.0  # DESIGN.md: dossier detail with 10 M dossiers
DUE_DATES_PER_S = 100_000


# --- database and data -----------------------------------------------------------------------


@dataclass
class Fixture:
    payload: dict[str, Any]
    tokens: list[str]
    officer_token: str  # officer.a, one-stop officer of center A (one of the ten agencies)
    officer_agency_id: int
    agencies: list[tuple[int, str, int | None]]  # receiving agencies (id, code, unit id)
    handling_ids: list[int]
    procedure_id: int
    version_id: int
    citizen_id: int


def build_fixture() -> Fixture:
    """The org and procedure of motcua/tests/builders.py, seven more commune service centers
    (the bulk rows are spread over ten receiving agencies), tokens for a citizen and a system."""
    from rest_framework.authtoken.models import Token

    from motcua.tests import builders

    org = builders.build_org()
    procedure = builders.build_procedure()
    version = procedure.versions.get()
    receiving = [org.province_center, org.center_a, org.center_b]
    for n in range(3, 3 + AGENCIES - len(receiving)):
        commune = builders.unit(f"9{n:04d}", f"Phường Thử {n}", "commune", org.province)
        receiving.append(builders.agency(f"000.{n:02d}.20.H40",
                                         f"Trung tâm Phục vụ hành chính công phường Thử {n}",
                                         "commune_center", commune))
    receiving.sort(key=lambda a: a.code)
    tokens = [Token.objects.create(user=org.citizen).key, Token.objects.create(user=org.system).key]
    payload = {  # as `payload` in motcua/dossiers/tests/test_api.py
        "procedure_code": procedure.code,
        "receiving_agency_code": org.center_a.code,
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "037095001234",
                      "commune_code": org.commune_a.code, "phone": "0912345678"},
        "components": [{"requirement_id": version.components.order_by("position")
                        .values_list("id", flat=True)[0]}],
        "form_data": {"ly_do": "Kết hôn"},
    }
    return Fixture(payload=payload, tokens=tokens,
                   officer_token=Token.objects.create(user=org.officer_a).key,
                   officer_agency_id=org.center_a.pk,
                   agencies=[(a.pk, a.code, a.unit_id) for a in receiving],
                   handling_ids=[org.pc_a.pk, org.pc_b.pk], procedure_id=procedure.pk,
                   version_id=version.pk, citizen_id=org.citizen.pk)


def queries_per_submission(fx: Fixture) -> tuple[int, list[str]]:
    """One submission in-process (Django test client), counting its SQL statements."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as ctx:  # the first request of this connection
        response = client.post("/api/v1/dossiers", data=json.dumps(fx.payload),
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {fx.tokens[0]}",
                               HTTP_IDEMPOTENCY_KEY=f"probe-{uuid.uuid4()}")
    if response.status_code != 201:
        raise RuntimeError(f"probe submission failed: {response.status_code} {response.content!r}")
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


# --- due dates -------------------------------------------------------------------------------


def per_second(fn: Callable[[dt.datetime], object], times: list[dt.datetime],
               seconds: float) -> tuple[float, float]:
    """Calls per wall second and per CPU second of this process (the second is robust to
    other load on the machine, the first is what the target means)."""
    for t in times:  # warm the per-year caches
        fn(t)
    done, started, cpu_started = 0, time.perf_counter(), time.process_time()
    deadline = started + seconds
    while True:
        for t in times:
            fn(t)
        done += len(times)
        if time.perf_counter() >= deadline:
            break
    return (done / (time.perf_counter() - started),
            done / max(time.process_time() - cpu_started, 1e-9))


def bench_due_dates(seconds: float, report: Report) -> None:
    from motcua.workcalendar.rules import TZ, Duration, WorkCalendar, vietnam_rules
    from motcua.workcalendar.service import YEARS, get_calendar

    rng = random.Random(20261122)
    lo = dt.datetime(2016, 1, 1, tzinfo=TZ).timestamp()
    hi = dt.datetime(2039, 12, 1, tzinfo=TZ).timestamp()
    times = [dt.datetime.fromtimestamp(rng.uniform(lo, hi), TZ) for _ in range(20_000)]
    three_days = Duration(3, "working_days")
    pure = WorkCalendar(vietnam_rules(YEARS))
    pure_rate, pure_cpu = per_second(lambda t: pure.due_date(t, three_days), times, seconds)
    django_rate, django_cpu = per_second(lambda t: get_calendar().due_date(t, three_days), times,
                                         seconds)
    report.say(f"due dates, 3 working days from random receipt times 2016–2039, one process, "
               f"~{seconds:.0f} s each (per wall second; per CPU second of the process):")
    report.say(f"  WorkCalendar.due_date (vietnam_rules 2015–2040): {pure_rate:,.0f} /s; "
               f"{pure_cpu:,.0f} /CPU-s")
    report.say(f"  get_calendar().due_date (Django, settings + overrides): {django_rate:,.0f} /s; "
               f"{django_cpu:,.0f} /CPU-s")
    report.judge("due dates", pure_rate >= DUE_DATES_PER_S and django_rate >= DUE_DATES_PER_S,
                 f"{min(pure_rate, django_rate):,.0f} /s vs target ≥ {DUE_DATES_PER_S:,} /s")


# --- gunicorn --------------------------------------------------------------------------------


def warm_up(server: Server, fx: Fixture, requests: int) -> int:
    """A few concurrent submissions so that every worker has imported and connected."""
    def one(i: int) -> int:
        req = urllib.request.Request(
            f"{server.url}/api/v1/dossiers", data=json.dumps(fx.payload).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Token {fx.tokens[i % len(fx.tokens)]}",
                     "Idempotency-Key": f"warmup-{uuid.uuid4()}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return int(r.status)

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(one, range(requests)))
    if any(s != 201 for s in statuses):
        raise RuntimeError(f"warm-up submissions failed: {statuses}")
    return len(statuses)


# --- online submission -----------------------------------------------------------------------


def bench_submission(server: Server, fx: Fixture, workdir: Path, seconds: int, connections: int,
                     agencies: list[str], ceilings: dict[str, float], report: Report,
                     judge: bool) -> int:
    """wrk drives POST /api/v1/dossiers; thread i submits to agencies[i mod len]. Returns the
    number of 201s. `judge`: this is the run the targets are judged on."""
    bodies = [json.dumps({**fx.payload, "receiving_agency_code": code}, ensure_ascii=False)
              for code in agencies]
    script = fill(BENCH / "submit.lua", workdir, RUN=uuid.uuid4().hex[:12], SECONDS=str(seconds),
                  TOKENS=", ".join(f'"{t}"' for t in fx.tokens),
                  BODIES=", ".join(f"[==[{b}]==]" for b in bodies))
    cmd = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds + 3}s", "--timeout", "10s",
           "-s", str(script), f"{server.url}/api/v1/dossiers"]
    locks = LockSampler(DB)
    wrk = run_wrk(server, cmd, locks)
    r, cpu, rss = wrk.result, wrk.cpu, wrk.rss
    rate = r["created"] / r["elapsed_s"] if r["elapsed_s"] > 0 else 0.0
    errors = int(r["failed"] + r["connect_err"] + r["read_err"] + r["write_err"]
                 + r["timeout_err"])
    where = (f"one receiving agency ({agencies[0]})" if len(agencies) == 1
             else f"{len(agencies)} receiving agencies, one per wrk connection in turn")
    report.say(f"online submission, {where}: POST /api/v1/dossiers, gunicorn -w "
               f"{server.workers} (sync), {connections} connections, {seconds} s, unique "
               "Idempotency-Key per request")
    report.say(f"  command: {' '.join(cmd[:-3])} bench/submit.lua {cmd[-1]}")
    report.say(f"  {int(r['created'])} created in {r['elapsed_s']:.2f} s = {rate:,.1f} dossiers/s"
               f" ({ratio(rate, ceilings.get('pgbench_N_tps'))} pgbench_N_tps)")
    report.say(f"  latency ms: p50 {r['p50_ms']:.1f}  p90 {r['p90_ms']:.1f}  "
               f"p95 {r['p95_ms']:.1f}  p99 {r['p99_ms']:.1f}  max {r['max_ms']:.1f}")
    report.say(f"  errors (non-201 + socket errors): {errors}")
    for line in wrk.stdout.splitlines():
        if line.startswith("FIRST_ERROR"):
            report.say(f"  {line}")
    report.say(f"  {cpu_line(cpu, int(r['completed']))}")
    report.say(f"  {locks.line()}")
    report.say(f"  gunicorn worker RSS after the load: "
               f"{', '.join(f'{m:.0f}' for m in rss)} MB")
    report.judge(f"submission ({len(agencies)} agenc{'y' if len(agencies) == 1 else 'ies'}): "
                 "no errors", errors == 0, f"{errors} errors")
    if judge:
        tps = ceilings.get("pgbench_N_tps")
        if tps:
            report.judge("submission: throughput", rate >= SUBMIT_SHARE_OF_PGBENCH * tps,
                         f"{rate:,.1f} /s = {rate / tps:.1%} of pgbench_N_tps vs target ≥ "
                         f"{SUBMIT_SHARE_OF_PGBENCH:.0%} (≈ {SUBMIT_SHARE_OF_PGBENCH * tps:,.0f}"
                         " /s)")
        else:
            report.say("  (no pgbench_N_tps ceiling: throughput not judged)")
        report.judge("submission: p99", r["p99_ms"] <= SUBMIT_P99_MS,
                     f"{r['p99_ms']:.1f} ms vs target ≤ {SUBMIT_P99_MS:.0f} ms")
    report.judge("memory after submissions", max(rss, default=0) <= RSS_MB,
                 f"max worker RSS {max(rss, default=0):.0f} MB vs target ≤ {RSS_MB:.0f} MB")
    return int(r["created"])


def check_submissions(expected: int, report: Report) -> None:
    """The database agrees with the clients: one dossier per 201, codes unique, numbered 1..n
    without gaps per (agency, day), the daily sequence at n."""
    from django.db import connection

    wait_quiet(connection)
    with connection.cursor() as c:
        c.execute("SELECT count(*), count(DISTINCT code) FROM dossiers_dossier")
        dossiers, distinct = c.fetchone()
        c.execute("SELECT count(*) FROM core_idempotencyrecord WHERE status_code = 201")
        (records,) = c.fetchone()
        c.execute("SELECT count(*) FROM dossiers_dossierevent WHERE action = 'submit'")
        (events,) = c.fetchone()
        c.execute("""
            SELECT a.code, split_part(d.code, '-', 2) AS day, count(*),
                   count(DISTINCT split_part(d.code, '-', 3)::int),
                   min(split_part(d.code, '-', 3)::int), max(split_part(d.code, '-', 3)::int),
                   bool_and(split_part(d.code, '-', 1) = a.code), max(s.last)
            FROM dossiers_dossier d JOIN org_agency a ON a.id = d.receiving_agency_id
            LEFT JOIN dossiers_dailysequence s ON s.agency_code = a.code
                  AND to_char(s.day, 'YYMMDD') = split_part(d.code, '-', 2)
            GROUP BY 1, 2 ORDER BY 1, 2""")
        groups = c.fetchall()
    gapless = all(n == nd == hi and lo == 1 and prefix_ok and last == n
                  for _, _, n, nd, lo, hi, prefix_ok, last in groups)
    report.say(f"submission check: {dossiers} dossiers (expected {expected}: the 201s of the "
               f"probe, the warm-up and the loads), {distinct} distinct codes, {records} "
               f"idempotency records with 201, {events} submit events")
    for agency, day, n, _nd, lo, hi, _ok, last in groups:
        report.say(f"    {agency} day {day}: {n} dossiers, numbers {lo}..{hi}, "
                   f"daily sequence at {last}")
    consistent = dossiers == expected == records == events and distinct == dossiers and gapless
    report.judge("submission: database consistent", consistent,
                 "dossiers = 201s, codes unique, numbers 1..n per (agency, day)"
                 if consistent else "MISMATCH, see above")


# --- tracking on a large table ----------------------------------------------------------------


def bulk_insert(fx: Fixture, rows: int, report: Report) -> None:
    """`rows` dossiers over AGENCIES receiving agencies and the days before today, codes
    `<agency>-<YYMMDD>-<NNNN>` numbered 1..PER_DAY per agency and day, statuses spread."""
    from django.db import connection

    agencies = len(fx.agencies)
    days = max(1, -(-rows // (agencies * PER_DAY)))
    per_day = -(-rows // (agencies * days))
    today = dt.date.today()
    first_day = today - dt.timedelta(days=days)
    ids = "ARRAY[" + ",".join(str(a[0]) for a in fx.agencies) + "]::bigint[]"
    codes = "ARRAY[" + ",".join(f"'{a[1]}'" for a in fx.agencies) + "]::text[]"
    units = "ARRAY[" + ",".join(str(a[2] or "NULL") for a in fx.agencies) + "]::bigint[]"
    handlers = "ARRAY[" + ",".join(map(str, fx.handling_ids)) + "]::bigint[]"
    sql = f"""
    WITH g AS (
        SELECT i, i / ({days} * {per_day}) AS a, (i / {per_day}) % {days} AS d,
               i % {per_day} + 1 AS n, (i::bigint * 7919 % 100)::int AS r
        FROM generate_series(0, {rows - 1}) AS i
    ), s AS (
        SELECT g.*, DATE '{first_day.isoformat()}' + d AS day,
               ((DATE '{first_day.isoformat()}' + d)::timestamp + interval '7 hours'
                 + n * interval '95 seconds') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS sub,
               CASE WHEN d < {days} - 30 THEN
                    CASE WHEN r < 80 THEN 10 WHEN r < 85 THEN 3 WHEN r < 90 THEN 7
                         WHEN r < 92 THEN 8 WHEN r < 97 THEN 9 ELSE 4 END
                    ELSE
                    CASE WHEN r < 15 THEN 1 WHEN r < 35 THEN 2 WHEN r < 65 THEN 4
                         WHEN r < 70 THEN 5 WHEN r < 73 THEN 6 WHEN r < 85 THEN 9 ELSE 10 END
               END AS st
        FROM g
    ), t AS (
        SELECT s.*,
               CASE WHEN st IN (1, 3) THEN NULL ELSE sub + interval '20 minutes' END AS rec
        FROM s
    )
    INSERT INTO dossiers_dossier (
        code, procedure_id, procedure_version_id, channel, status, receiving_agency_id,
        handling_agency_id, applicant_kind, applicant_name, applicant_id_number,
        applicant_tax_code, applicant_phone, applicant_email, applicant_address,
        applicant_commune_id, representative_name, account_id, form_data, submitted_at,
        received_at, counted_from, due_at, appointment_at, paused_at, finished_at, returned_at,
        supplements_after_receipt, apologies, updated_at)
    SELECT
        ({codes})[a + 1] || '-' || to_char(day, 'YYMMDD') || '-' || lpad(n::text, 4, '0'),
        {fx.procedure_id}, {fx.version_id}, CASE WHEN i % 3 = 0 THEN 1 ELSE 2 END, st,
        ({ids})[a + 1], ({handlers})[i % {len(fx.handling_ids)} + 1], 'person',
        (ARRAY['Nguyễn Văn An','Trần Thị Bình','Lê Hoàng Cường','Phạm Thị Dung',
               'Hoàng Văn Em','Vũ Thị Giang','Đặng Minh Hải','Bùi Thị Lan'])[i % 8 + 1],
        '0370' || lpad((i % 100000000)::text, 8, '0'), '',
        '09' || lpad((i % 100000000)::text, 8, '0'), '',
        'Số ' || (i % 300 + 1) || ' đường Trần Hưng Đạo',
        ({units})[a + 1], '', CASE WHEN i % 3 = 0 THEN NULL ELSE {fx.citizen_id} END,
        '{{"ly_do": "Kết hôn"}}'::jsonb, sub,
        rec, rec, rec + interval '3 days', NULL,
        CASE WHEN st IN (5, 6) THEN rec + interval '1 day' END,
        CASE WHEN st IN (3, 7, 8, 9, 10) THEN coalesce(rec, sub) + interval '2 days' END,
        CASE WHEN st = 10 THEN rec + interval '2 days 3 hours' END,
        CASE WHEN st = 5 THEN 1 ELSE 0 END, 0,
        coalesce(rec, sub) + interval '2 days'
    FROM t"""
    seq_sql = f"""
    INSERT INTO dossiers_dailysequence (agency_code, day, last)
    SELECT c, DATE '{first_day.isoformat()}' + d, {per_day}
    FROM unnest({codes}) AS c, generate_series(0, {days - 1}) AS d
    ON CONFLICT (agency_code, day) DO NOTHING"""
    started = time.monotonic()
    with connection.cursor() as c:
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '256MB'")
        c.execute(sql)
        c.execute(seq_sql)
        inserted = time.monotonic() - started
        c.execute("VACUUM (ANALYZE) dossiers_dossier")  # as autovacuum would have: hint bits
        c.execute("SELECT count(*), pg_size_pretty(pg_total_relation_size('dossiers_dossier')), "
                  "pg_size_pretty(pg_relation_size('dossiers_dossier_code_key')) "
                  "FROM dossiers_dossier")
        total, size, index_size = c.fetchone()
        c.execute("SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1")
        statuses = c.fetchall()
    report.say(f"tracking setup: {rows:,} rows inserted in {inserted:.1f} s (+ VACUUM ANALYZE "
               f"{time.monotonic() - started - inserted:.1f} s); {total:,} dossiers, "
               f"{agencies} agencies × {days} days × up to {per_day}/day; table with indexes "
               f"{size}, code index {index_size}")
    report.say("  statuses: " + ", ".join(f"{s}: {n:,}" for s, n in statuses))


def sample_codes(workdir: Path) -> tuple[Path, int, list[str]]:
    from django.db import connection

    codes_file = workdir / "codes.txt"
    with connection.cursor() as c:
        c.execute("SELECT code FROM dossiers_dossier ORDER BY random() LIMIT 100000")
        codes = [row[0] for row in c.fetchall()]
        c.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF) "
                  "SELECT d.code, d.status, p.code FROM dossiers_dossier d "
                  "JOIN catalog_procedure p ON p.id = d.procedure_id WHERE d.code = %s",
                  [codes[0]])
        plan = [row[0].strip() for row in c.fetchall()]
    codes_file.write_text("\n".join(codes) + "\n")
    return codes_file, len(codes), plan


def bench_tracking(server: Server, workdir: Path, codes_file: Path, n_codes: int, seconds: int,
                   connections: int, ceilings: dict[str, float], report: Report,
                   judge: bool) -> None:
    script = fill(BENCH / "lookup.lua", workdir, "tracking.lua", PATH="/api/v1/tracking/",
                  CODES=str(codes_file), SEED="20261122", TOKEN="", COOKIE="")
    # one wrk thread, as ceilings.sh measures django_pk_read_rps
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
           f"{server.url}/api/v1/tracking/"]
    load = run_read_load(server, cmd, f"tracking: GET /api/v1/tracking/<random one of "
                         f"{n_codes:,} existing codes>, {connections} connections, {seconds} s",
                         "bench/lookup.lua", ceilings, report)
    r, errors, rss = load.result, load.errors, load.rss
    pk = ceilings.get("django_pk_read_rps")
    report.judge(f"tracking (c{connections}): no errors", errors == 0, f"{errors} errors")
    if not judge:
        return
    if pk:
        report.judge("tracking: throughput", r["rps"] >= TRACKING_SHARE_OF_PK_READ * pk,
                     f"{r['rps']:,.1f} req/s = {r['rps'] / pk:.1%} of django_pk_read_rps vs "
                     f"target ≥ {TRACKING_SHARE_OF_PK_READ:.0%}")
        report.say(f"  (at {connections} connections a closed loop waits {connections} / "
                   f"throughput on average: p95 ≤ {TRACKING_P95_MS:.0f} ms needs more than "
                   f"{connections * 1000 / TRACKING_P95_MS:,.0f} req/s, "
                   f"{connections * 1000 / TRACKING_P95_MS / pk:.0%} of this run's "
                   "django_pk_read_rps)")
    else:
        report.say("  (no django_pk_read_rps ceiling: throughput not judged)")
    report.judge("tracking: p95", r["p95_ms"] <= TRACKING_P95_MS,
                 f"{r['p95_ms']:.2f} ms vs target ≤ {TRACKING_P95_MS:.0f} ms")
    report.judge("memory after tracking", max(rss, default=0) <= RSS_MB,
                 f"max worker RSS {max(rss, default=0):.0f} MB vs target ≤ {RSS_MB:.0f} MB")


def bench_detail(server: Server, fx: Fixture, workdir: Path, seconds: int, connections: int,
                 ceilings: dict[str, float], report: Report) -> None:
    """GET /api/v1/dossiers/<code> as officer.a (one-stop officer of center A), random codes of
    his unit's tenth of the rows: token, the policy check (visible_dossiers), the dossier with
    its relations, DRF's serializer. First one refused case and the statements of one call."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as c:
        c.execute("SELECT code FROM dossiers_dossier WHERE receiving_agency_id = %s "
                  "ORDER BY random() LIMIT 20000", [fx.officer_agency_id])
        codes = [row[0] for row in c.fetchall()]
        c.execute("SELECT code FROM dossiers_dossier WHERE receiving_agency_id <> %s LIMIT 1",
                  [fx.officer_agency_id])
        other = c.fetchone()[0]
    codes_file = workdir / "detail-codes.txt"
    codes_file.write_text("\n".join(codes) + "\n")
    client = Client(headers={"Authorization": f"Token {fx.officer_token}"})
    refused = client.get(f"/api/v1/dossiers/{other}").status_code
    with CaptureQueriesContext(connection) as ctx:
        shown = client.get(f"/api/v1/dossiers/{codes[0]}")
    report.say(f"dossier detail: one call in-process: {shown.status_code}, {len(shown.content):,} "
               f"bytes, {len(ctx.captured_queries)} SQL statements; another unit's dossier: "
               f"{refused}")
    report.judge("detail: policy applies", shown.status_code == 200 and refused == 404,
                 f"own unit's dossier {shown.status_code}, another unit's {refused} "
                 "(expected 200, 404)")
    script = fill(BENCH / "lookup.lua", workdir, "detail.lua", PATH="/api/v1/dossiers/",
                  CODES=str(codes_file), SEED="766", TOKEN=fx.officer_token,
                  COOKIE="")
    run(["wrk", "-t1", "-c3", "-d2s", "-s", str(script), f"{server.url}/"],
        env=os.environ.copy(), check=False)  # warm-up, not reported
    # judged at 3 connections (= the 3 workers, all busy, nobody queueing), as the worklist:
    # DESIGN.md gives the detail a latency target only; 16 connections shows the queueing
    for conns, judged in ((connections, False), (3, True)):
        cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", str(script),
               f"{server.url}/"]
        load = run_read_load(server, cmd, f"dossier detail: GET /api/v1/dossiers/<random one of "
                             f"{len(codes):,} codes of center A> as officer.a, {conns} "
                             f"connections, {seconds} s", "bench/lookup.lua", ceilings, report)
        report.judge(f"detail (c{conns}): no errors", load.errors == 0, f"{load.errors} errors")
        if judged:
            report.judge(f"detail: p95 (c{conns})", load.result["p95_ms"] <= DETAIL_P95_MS,
                         f"{load.result['p95_ms']:.2f} ms vs target ≤ {DETAIL_P95_MS:.0f} ms")


def bench_healthz(server: Server, seconds: int, connections: int, ceilings: dict[str, float],
                  report: Report) -> None:
    """Reference: GET /healthz, the project's whole middleware stack and `SELECT 1`, to split
    the tracking cost between the stack every request pays and the tracking view itself."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"{server.url}/healthz"]
    wrk = run_wrk(server, cmd)
    cpu = wrk.cpu
    rps = re.search(r"Requests/sec:\s*([0-9.]+)", wrk.stdout)
    done = re.search(r"(\d+) requests in", wrk.stdout)
    if not rps or not done:
        raise RuntimeError(f"wrk printed no rate: {wrk.stdout}")
    value = float(rps.group(1))
    share = ratio(value, ceilings.get("django_pk_read_rps"))
    report.say(f"reference: GET /healthz (all middleware, SELECT 1), {connections} connections, "
               f"{seconds} s: {value:,.1f} req/s ({share} django_pk_read_rps)")
    report.say(f"  {cpu_line(cpu, int(done.group(1)))}")


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke check: 20 k rows, 5 s loads (not for recording)")
    parser.add_argument("--rows", type=int, help="bulk dossier rows (default 1,000,000)")
    parser.add_argument("--seconds", type=int, help="submission load seconds (default 20)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3,
                        help="gunicorn sync workers (default 3, as scripts/serve.sh)")
    parser.add_argument("--keep", action="store_true",
                        help=f"keep {DB} at the end (to look into it; drop it yourself)")
    args = parser.parse_args()
    rows = args.rows or (20_000 if args.quick else 1_000_000)
    submit_s = args.seconds or (5 if args.quick else 20)
    spread_s = max(3, submit_s // 2)
    tracking_s = 5 if args.quick else 15
    ceiling_s = 5 if args.quick else 10
    due_s = 1.0 if args.quick else 3.0
    started_run = begin("intake.py", args.quick, ("wrk", "pgbench", "createdb", "dropdb"))
    if started_run is None:
        return 2
    report, started = started_run
    wait_for_quiet(report, "before the ceilings")
    ceilings = measure_ceilings(ceiling_s, report)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    server = Server(workdir, DB, workers=args.workers)
    try:
        create_database(DB)
        django_setup(DB)
        fx = build_fixture()
        n_queries, sqls = queries_per_submission(fx)
        report.say(f"setup: {DB} migrated, org + procedure built, tokens for a citizen and a "
                   f"system ({time.monotonic() - started:.0f} s since start)")
        report.say(f"  one submission (in-process probe) runs {n_queries} SQL statements: "
                   f"{summarize_queries(sqls)}")
        wait_for_quiet(report, "before the due dates")
        bench_due_dates(due_s, report)
        server.start()
        created = 1 + warm_up(server, fx, 24)
        wait_for_quiet(report, "before the submissions")
        created += bench_submission(server, fx, workdir, submit_s, args.connections,
                                    [fx.payload["receiving_agency_code"]], ceilings, report,
                                    judge=True)
        wait_for_quiet(report, "before the submissions to 10 agencies")
        created += bench_submission(server, fx, workdir, spread_s, args.connections,
                                    [a[1] for a in fx.agencies], ceilings, report, judge=False)
        check_submissions(created, report)
        bulk_insert(fx, rows, report)
        codes_file, n_codes, plan = sample_codes(workdir)
        report.say(f"  plan of the lookup: {' | '.join(plan)}")
        warm = fill(BENCH / "lookup.lua", workdir, "warm.lua", PATH="/api/v1/tracking/",
                    CODES=str(codes_file), SEED="1", TOKEN="", COOKIE="")
        run(["wrk", "-t1", "-c3", "-d3s", "-s", str(warm), f"{server.url}/api/v1/tracking/"],
            env=os.environ.copy(), check=False)  # 3 s, not reported: caches, connections
        wait_for_quiet(report, "before the tracking lookups")
        bench_tracking(server, workdir, codes_file, n_codes, tracking_s, args.connections,
                       ceilings, report, judge=True)
        wait_for_quiet(report, "before the tracking lookups, 3 connections")
        bench_tracking(server, workdir, codes_file, n_codes, 5, 3, ceilings, report,
                       judge=False)
        report.say("  (3 connections = the 3 workers: the service time without queueing)")
        wait_for_quiet(report, "before the dossier details")
        bench_detail(server, fx, workdir, tracking_s, args.connections, ceilings, report)
        wait_for_quiet(report, "before /healthz")
        bench_healthz(server, 5, args.connections, ceilings, report)
        if rows < 10_000_000:
            report.say(f"note: DESIGN.md's tracking and detail targets are for 10 M dossiers; "
                       f"this run has {rows:,}")
    finally:
        failed = finish(server, DB, args.keep, workdir, report, started)
    # performance misses are reported, not fatal; a wrong count or an error is
    return 1 if any("consistent" in what or "errors" in what for what in failed) else 0


if __name__ == "__main__":
    sys.exit(main())
