"""Decision 766 index benchmark: the whole province's index for a year and a month, a commune's,
the ranking, in-process and over HTTP, on N generated dossiers; and the rollups' lag while
online submissions run as in bench/intake.py.

Usage: .venv/bin/python bench/index.py [--rows N] [--years Y] [--calls C] [--seconds S]
                                       [--keep] [--reuse] [--quick]

Every figure is printed with the ceiling it is compared with, measured in the same run by
../shared/tools/ceilings.sh (DESIGN.md, "Performance targets"), and its ratio to it. The run
owns one PostgreSQL database, motcua_bench_ix, created at the start and dropped at the end
(also on error; --keep keeps it, --reuse runs the measures on a kept one without loading).

1. ceilings; a fresh motcua_bench_ix, migrated; N dossiers of the demo province over Y years
   with their facts and rollups, loaded with COPY (bench/index_data.py, default 10,000,000
   over 5 years); a sample of facts recomputed from the raw rows and compared;
2. in-process (the selectors, as the API calls them): the province's index for the last whole
   year, for the last whole month and for the current month (a period still running), the
   busiest commune's index for the year, the ranking of the communes and of the agencies for
   the year; C calls each, p50 / p95 / max, statements and rows read;
3. over HTTP (gunicorn -w 3, sync workers) with wrk and the auditor's token: the same reads as
   GET /api/v1/index and /api/v1/index/ranking, 3 connections (= the workers: the service
   time, judged) for S seconds each;
4. lag: wrk submits online dossiers to one commune's center at 16 connections (bench/intake.py's
   load) for S seconds while, in-process, one-stop officers receive them one by one
   (accept, its own transaction) and after each commit the province's and the commune's index
   of the current month are read: the lag is the time from the commit to the first read that
   counts the dossier (the rollups move in the action's own transaction, so it is the read
   itself); the index reads' latency under that load is printed too;
5. gunicorn stopped, motcua_bench_ix dropped.

Target (DESIGN.md): the whole province's index, any period, ≤ 200 ms with 10 M dossiers. Verify
with a small size (--rows 200000) on a shared machine; record 10 M on a quiet one.
--quick: 20,000 rows, 10 calls, 3 s loads, 5 s ceilings; only checks that the script works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from common import (
    BENCH,
    Report,
    Server,
    begin,
    create_database,
    django_setup,
    fill,
    finish,
    measure_ceilings,
    percentile,
    run_read_load,
    run_wrk,
    worklist_script,
)

DB = "motcua_bench_ix"
PROVINCE_MS = 200.0  # DESIGN.md: the whole province's index, any period, 10 M dossiers


def timed(fn: Any, calls: int) -> tuple[list[float], int]:
    """Milliseconds of `calls` calls of `fn` (one warm-up call first), and the statements of
    one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries)


def line(times: list[float]) -> str:
    return (f"p50 {percentile(times, 50):.1f}  p95 {percentile(times, 95):.1f}  "
            f"max {max(times):.1f} ms")


def busiest_commune() -> tuple[str, str]:
    from django.db.models import Count

    from motcua.org.models import Agency
    from motcua.reporting.models import DossierFact

    top = DossierFact.objects.filter(agency__kind=Agency.Kind.COMMUNE_PC).values(
        "agency__unit__code", "agency__unit__name").annotate(n=Count("pk")).order_by("-n")[:1]
    row = next(iter(top))
    return row["agency__unit__code"], row["agency__unit__name"]


def periods(now: dt.datetime) -> dict[str, Any]:
    from motcua.reporting.periods import MONTH, YEAR, Period
    from motcua.workcalendar.rules import TZ

    local = now.astimezone(TZ)
    last_month = (local.replace(day=1) - dt.timedelta(days=1))
    return {"year": Period(YEAR, local.year - 1),
            "month": Period(MONTH, last_month.year, last_month.month),
            "current month": Period(MONTH, local.year, local.month)}


def query_of(period: Any, root: str = "") -> str:
    params = f"timeType={period.kind}&year={period.year}"
    if period.kind == "month":
        params += f"&month={period.number}"
    return params + (f"&rootDepartmentId={root}" if root else "")


def inprocess(calls: int, now: dt.datetime, report: Report) -> dict[str, float]:
    from motcua.reporting import selectors

    p = periods(now)
    code, name = busiest_commune()
    province = selectors.resolve_scope()
    commune = selectors.resolve_scope(code)
    cases = [
        (f"province, year {p['year'].label()}", True,
         lambda: selectors.index(province, p["year"], now=now)),
        (f"province, month {p['month'].label()}", True,
         lambda: selectors.index(province, p["month"], now=now)),
        (f"province, current month {p['current month'].label()} (running)", True,
         lambda: selectors.index(province, p["current month"], now=now)),
        (f"commune {name} ({code}), year {p['year'].label()}", False,
         lambda: selectors.index(commune, p["year"], now=now)),
        (f"ranking of the communes, year {p['year'].label()}", False,
         lambda: selectors.ranking(selectors.COMMUNE, p["year"], now=now)),
        (f"ranking of the agencies, year {p['year'].label()}", False,
         lambda: selectors.ranking(selectors.AGENCY, p["year"], now=now)),
    ]
    report.say(f"in-process (selectors.index / ranking, {calls} calls each after one warm-up):")
    p95s = {}
    for label, judged, fn in cases:
        times, statements = timed(fn, calls)
        p95s[label] = percentile(times, 95)
        report.say(f"  {label}: {line(times)}; {statements} statements")
        if judged:
            report.judge(f"in-process: {label}", p95s[label] <= PROVINCE_MS,
                         f"p95 {p95s[label]:.1f} ms vs target ≤ {PROVINCE_MS:.0f} ms")
    return p95s


def http(server: Server, token: str, workdir: Path, seconds: int, now: dt.datetime,
         ceilings: dict[str, float], report: Report) -> None:
    p = periods(now)
    code, name = busiest_commune()
    loads = [
        (f"province, year {p['year'].label()}", True, f"/api/v1/index?{query_of(p['year'])}"),
        (f"province, month {p['month'].label()}", True,
         f"/api/v1/index?{query_of(p['month'])}"),
        (f"commune {name}, year", False, f"/api/v1/index?{query_of(p['year'], code)}"),
        ("ranking of the communes, year", False,
         f"/api/v1/index/ranking?{query_of(p['year'])}&unitType=commune&limit=200"),
    ]
    for label, judged, path in loads:
        script = worklist_script(workdir, path, token)
        cmd = ["wrk", "-t3", "-c3", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s",
               str(script), f"{server.url}{path}"]
        load = run_read_load(server, cmd, f"HTTP GET {path}, 3 connections, {seconds} s "
                             f"({label})", "bench/lookup.lua", ceilings, report)
        report.judge(f"HTTP {label}: no errors", load.errors == 0, f"{load.errors} errors")
        if judged:
            report.judge(f"HTTP {label}: p95", load.result["p95_ms"] <= PROVINCE_MS,
                         f"{load.result['p95_ms']:.1f} ms vs target ≤ {PROVINCE_MS:.0f} ms")


# --- the lag while submissions run ---------------------------------------------------------


def submission_payload() -> tuple[dict[str, Any], str, Any, Any]:
    """A complete online submission of a commune-level procedure to the busiest commune's
    center (as bench/intake.py submits), that center and one of its one-stop officers."""
    from motcua.catalog.models import ComponentRequirement, Procedure
    from motcua.org.models import Agency, Role, StaffRole

    code, _name = busiest_commune()
    center = Agency.objects.get(unit__code=code, kind=Agency.Kind.COMMUNE_CENTER)
    officer = StaffRole.objects.filter(agency=center, role=Role.ONE_STOP_OFFICER).first()
    if officer is None:
        from django.contrib.auth.hashers import make_password

        from motcua.org.models import User

        user = User.objects.create(username="bench.officer", full_name="Cán bộ một cửa thử",
                                   kind=User.Kind.STAFF, password=make_password(None))
        StaffRole.objects.create(user=user, agency=center, role=Role.ONE_STOP_OFFICER)
        officer_user = user
    else:
        officer_user = officer.user
    procedure = Procedure.objects.get(code="1.004873")
    version = procedure.versions.order_by("-number").first()
    required = ComponentRequirement.objects.filter(version=version, required=True,
                                                   condition="").order_by("position")
    payload = {
        "procedure_code": procedure.code, "receiving_agency_code": center.code,
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "037095001234",
                      "commune_code": code, "phone": "0912345678"},
        # reused from the data store: no file to wait for before the receipt
        "components": [{"requirement_id": r.pk, "source": "reused",
                        "reference": "kho-du-lieu"} for r in required],
        "form_data": {"ly_do": "Kết hôn"},
    }
    return payload, code, center, officer_user


def lag(server: Server, token: str, workdir: Path, seconds: int, now: dt.datetime,
        report: Report) -> None:
    from django.db import connection, transaction
    from django.test import Client

    from motcua.dossiers import actions
    from motcua.dossiers.models import Dossier, Status
    from motcua.reporting import selectors
    from motcua.reporting.periods import MONTH, Period
    from motcua.workcalendar.rules import TZ

    payload, code, center, officer = submission_payload()
    probe = Client(headers={"Authorization": f"Token {token}"}).post(
        "/api/v1/dossiers", data=json.dumps(payload), content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    if probe.status_code != 201:
        report.say(f"lag: a probe submission answered {probe.status_code}: "
                   f"{probe.content[:300]!r}; the lag is not measured")
        return
    body = json.dumps(payload, ensure_ascii=False)
    script = fill(BENCH / "submit.lua", workdir, RUN=uuid.uuid4().hex[:12],
                  SECONDS=str(seconds), TOKENS=f'"{token}"', BODIES=f"[==[{body}]==]")
    cmd = ["wrk", "-t16", "-c16", f"-d{seconds + 3}s", "--timeout", "10s", "-s", str(script),
           f"{server.url}/api/v1/dossiers"]
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(wrk=run_wrk(server, cmd)))
    local = dt.datetime.now(TZ)
    month = Period(MONTH, local.year, local.month)
    province, commune = selectors.resolve_scope(), selectors.resolve_scope(code)
    lags, reads, mismatches, received = [], [], 0, 0
    thread.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        d = Dossier.objects.filter(receiving_agency=center, status=Status.SUBMITTED) \
            .order_by("-pk").first()
        if d is None:
            time.sleep(0.05)
            continue
        before = selectors.index(commune, month).counters.dossiers.received
        with transaction.atomic():
            actions.perform(d, "accept", officer)
        committed = time.perf_counter()
        seen = selectors.index(commune, month).counters.dossiers.received
        lags.append((time.perf_counter() - committed) * 1000)
        mismatches += seen != before + 1
        received += 1
        started = time.perf_counter()
        selectors.index(province, month)
        reads.append((time.perf_counter() - started) * 1000)
    thread.join()
    wrk = result.get("wrk")
    created = int(wrk.result.get("created", 0)) if wrk else 0
    elapsed = wrk.result.get("elapsed_s", 0) if wrk else 0
    for error in (wrk.stdout.splitlines() if wrk else []):
        if error.startswith("FIRST_ERROR"):
            report.say(f"lag: a submission was refused: {error.removeprefix('FIRST_ERROR ')}")
    report.say(f"lag: wrk submitted online dossiers to {center.code} at 16 connections for "
               f"{seconds} s ({created} created, {created / elapsed if elapsed else 0:,.1f} /s) "
               f"while {received} of them were received in-process, one transaction each")
    if lags:
        report.say(f"  from the commit of a receipt to the commune's index counting it: "
                   f"{line(lags)} (one read: the rollups move in the receipt's own "
                   f"transaction); reads that did not count it: {mismatches}")
        report.say(f"  the province's index of the current month meanwhile: {line(reads)}")
        report.judge("lag: every receipt counted by the next read", mismatches == 0,
                     f"{mismatches} of {received} not counted")
    connection.close()


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--ceilings-seconds", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.calls, args.seconds, args.ceilings_seconds = 20_000, 10, 3, 5
    started_run = begin("index.py", args.quick, ("wrk", "psql", "pgbench"))
    if started_run is None:
        return 2
    report, started = started_run
    ceilings = measure_ceilings(args.ceilings_seconds, report)
    if not args.reuse:
        create_database(DB)
    django_setup(DB)
    import index_data
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    workdir = Path(tempfile.mkdtemp(prefix="bench-index-"))
    server = Server(workdir, DB)
    failed: list[str] = []
    try:
        now = timezone.now()
        if not args.reuse:
            loaded = index_data.generate(args.rows, now, years=args.years)
            report.say(f"load: {loaded.dossiers:,} dossiers, {loaded.facts:,} facts in "
                       f"{sum(loaded.seconds.values()):.0f} s (" + ", ".join(
                           f"{k} {v:.0f} s" for k, v in loaded.seconds.items()) + ")")
            report.say("  by status: " + ", ".join(
                f"{s}: {n:,}" for s, n in sorted(loaded.by_status.items())))
            report.say("  finished: " + ", ".join(
                f"{k} {v:,}" for k, v in sorted(loaded.outcomes.items()))
                + f"; unfinished and overdue now: {loaded.open_overdue:,}")
        compared, different = index_data.verify()
        report.judge("the generated facts equal the index's recomputation from the raw rows",
                     different == 0, f"{different} of {compared} sampled facts differ")
        inprocess(args.calls, now, report)
        from motcua.org.models import User

        auditor = User.objects.get(username="auditor.tinh")
        token = Token.objects.get_or_create(user=auditor)[0].key
        citizen = User.objects.get(username="citizen.an")
        citizen_token = Token.objects.get_or_create(user=citizen)[0].key
        from django.db import connections

        connections.close_all()
        server.start()
        http(server, token, workdir, args.seconds, now, ceilings, report)
        lag(server, citizen_token, workdir, args.seconds, now, report)
        report.say(f"worker RSS at the end: "
                   f"{', '.join(f'{m:.0f}' for m in server.worker_rss_mb())} MB")
    finally:
        failed = finish(server, DB, args.keep or args.reuse, workdir, report, started)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
