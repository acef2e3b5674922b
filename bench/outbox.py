"""Outbox benchmark: delivery throughput to the sandbox portal, and sync lag under submissions.

Usage: .venv/bin/python bench/outbox.py [--quick] [--messages N] [--seconds S] [--rate R]
       [--workers W]

Prints each figure with the ceilings measured in the same run (../shared/tools/ceilings.sh;
DESIGN.md "Performance targets": ≥ 1,000 events/s, lag p95 ≤ 5 s under load). Owns one
PostgreSQL database, motcua_bench_ob, created at the start and dropped at the end.

1. ceilings; a fresh motcua_bench_ob (migrate), a small org and procedure
   (motcua/tests/builders.py), 20 dossiers received at the counter; the sandbox of national
   systems under gunicorn (2 workers × 4 threads, as `make run`), its own SQLite database;
2. throughput: N outbox messages (`update` of those dossiers, each its own stream, rendered and
   sent like any other) written at once, then W `manage.py deliver_outbox --loop` processes
   started: messages delivered per second from start to the last delivery; the portal's count
   is checked (each message stored once);
3. lag: dossiers submitted in this process at R per second (bench/intake.py's target rate of
   online submission, 400/s, is what the API must take; this process reaches what it can and
   says how many it made) for S seconds while W workers deliver; lag = delivered_at −
   created_at of each of their messages: p50, p95, max.

--quick (2,000 messages, 5 s) only checks that the script works: never record it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    ROOT,
    VENV_BIN,
    begin,
    create_database,
    django_setup,
    drop_database,
    free_port,
    measure_ceilings,
    percentile,
    server_env,
)

DB = "motcua_bench_ob"
EVENTS_PER_S = 1000.0
LAG_P95_S = 5.0


def start_sandbox(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SANDBOX_VAR_DIR": str(tmp), "SANDBOX_PUBLIC_URL": url,
           "DJANGO_SETTINGS_MODULE": "sandbox.settings"}
    env.pop("DATABASE_URL", None)
    manage = [str(VENV_BIN / "python"), str(ROOT / "sandbox" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "sandbox.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=ROOT)
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the sandbox did not start")


def workers(n: int, sandbox_url: str) -> list[subprocess.Popen[bytes]]:
    env = {**server_env(DB), "NATIONAL_SANDBOX_URL": sandbox_url}
    return [subprocess.Popen([str(VENV_BIN / "python"), "manage.py", "deliver_outbox", "--loop",
                              "0.1"], cwd=ROOT, env=env) for _ in range(n)]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=float, default=400.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.quick:
        args.messages, args.seconds = 2000, 5
    started = begin("outbox.py", args.quick, ("psql", "createdb"))
    if started is None:
        return 2
    report, t0 = started
    ceilings = measure_ceilings(5 if args.quick else 15, report)
    tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    create_database(DB)
    sandbox, sandbox_url = start_sandbox(tmp)
    try:
        django_setup(DB)
        from django.db import connection
        from django.utils import timezone

        from motcua.dossiers import actions
        from motcua.dossiers.tests.factories import person
        from motcua.integration.models import OutboxMessage
        from motcua.tests.builders import build_org, build_procedure

        org = build_org()
        procedure = build_procedure(code="1.004873", duration=3, unit="working_days",
                                    effective_from=dt.date(2025, 7, 1))

        def submission(channel: int) -> actions.Submission:
            return actions.Submission(
                procedure_code=procedure.code, receiving_agency=org.center_a,
                applicant=person(commune_code=org.commune_a.code), components=[],
                channel=channel)

        seeds = [actions.intake_at_counter(submission(1), officer=org.officer_a)
                 for _ in range(20)]
        OutboxMessage.objects.all().delete()

        # --- throughput
        now = timezone.now()
        events = {d.pk: d.events.order_by("id").last().pk for d in seeds}  # type: ignore[union-attr]
        OutboxMessage.objects.bulk_create(
            [OutboxMessage(system="portal", kind="update", stream=f"bench:{i}",
                           key=f"bench:{i}", dossier=seeds[i % 20],
                           event_id=events[seeds[i % 20].pk], status="pending",
                           next_attempt_at=now, created_at=now)
             for i in range(args.messages)], batch_size=5000)
        report.say(f"throughput: {args.messages:,} messages, {args.workers} deliver_outbox "
                   f"workers, batches of 200, sandbox portal (gunicorn 2×4, SQLite)")
        start = time.monotonic()
        procs = workers(args.workers, sandbox_url)
        try:
            while OutboxMessage.objects.exclude(status="delivered").exists():
                if time.monotonic() - start > 600:
                    raise RuntimeError("not delivered within 10 minutes")
                time.sleep(0.05)
            elapsed = time.monotonic() - start
        finally:
            stop(procs)
        import httpx

        stored = httpx.get(sandbox_url + "/portal/stats", timeout=30).json()
        rate = args.messages / elapsed
        pk_read = ceilings.get("django_pk_read_rps")
        report.say(f"  delivered {args.messages:,} in {elapsed:.2f} s (workers' start "
                   f"included) = {rate:,.0f} events/s"
                   + (f" ({rate / pk_read:.2f} × django_pk_read_rps)" if pk_read else ""))
        report.say(f"  portal: {stored['messages']:,} stored, {stored['duplicates_refused']} "
                   f"duplicates refused")
        report.judge("outbox throughput", rate >= EVENTS_PER_S
                     and stored["messages"] == args.messages,
                     f"{rate:,.0f} events/s vs target ≥ {EVENTS_PER_S:,.0f}")

        # --- lag under submissions
        OutboxMessage.objects.all().delete()
        procs = workers(args.workers, sandbox_url)
        made = 0
        try:
            time.sleep(2)  # the workers are up
            begin_at = time.monotonic()
            while (elapsed := time.monotonic() - begin_at) < args.seconds:
                if made < elapsed * args.rate:
                    actions.intake_at_counter(submission(1), officer=org.officer_a)
                    made += 1
                else:
                    time.sleep(0.001)
            deadline = time.monotonic() + 120
            while OutboxMessage.objects.exclude(status="delivered").exists():
                assert time.monotonic() < deadline, "backlog not delivered within 2 minutes"
                time.sleep(0.1)
        finally:
            stop(procs)
        lags = [(m.delivered_at - m.created_at).total_seconds()
                for m in OutboxMessage.objects.only("delivered_at", "created_at")]
        report.say(f"lag: {made:,} dossiers received at the counter in {args.seconds} s by one "
                   f"process ({made / args.seconds:,.0f}/s; asked {args.rate:,.0f}/s), "
                   f"{len(lags):,} messages, {args.workers} workers")
        p95 = percentile(lags, 95)
        report.say(f"  lag p50 {percentile(lags, 50):.2f} s, p95 {p95:.2f} s, "
                   f"max {max(lags):.2f} s")
        report.judge("sync lag p95 under load", p95 <= LAG_P95_S,
                     f"{p95:.2f} s vs target ≤ {LAG_P95_S:.0f} s")
        connection.close()
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
        drop_database(DB)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [what for what, ok in report.verdicts if not ok]
    report.say(f"done in {time.monotonic() - t0:.0f} s; "
               f"{len(report.verdicts) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
