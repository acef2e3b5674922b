"""Crash test of the applicant notices under load (issue 7): SIGKILL web workers and the delivery
worker while citizens submit dossiers and an officer accepts them; then check that no
acknowledged dossier and no notice was lost, and count the duplicate sends.

    .venv/bin/python bench/crash.py [--seconds 90] [--clients 6] [--kill-every 3] [--keep]

Against PostgreSQL (its own database, motcua_bench_crash, created and dropped), traffic only to
127.0.0.1. Starts gunicorn with 3 sync workers (bench/common.Server) and `manage.py deliver
--loop 1` with a counting mail backend (bench/countmail.py: one fsync'ed line per message handed
to the mail system). Client threads loop for --seconds: POST /api/v1/dossiers as the citizen
(with an applicant email), then POST /api/v1/dossiers/<code>/actions/accept as the one-stop
officer (the "received" notice). A killer thread, every --kill-every seconds (± 50 %), SIGKILLs
one random gunicorn worker (the master starts another) and the delivery worker (restarted at
once). Then the kills stop, the worker drains the outbox, and the script checks:

- every acknowledged (201) submission is in the database, every acknowledged (200) accept too;
- every notice that should exist (a timeline event whose action sends one, on a dossier with an
  email) has exactly one delivery row, and it is sent, with its "notify" timeline event;
- the mail log against the rows: a sent row never handed over is a lost notice; a row handed
  over twice is a duplicate, expected only in the documented window (killed after the handover
  and before the mark-sent commit), so never more than one extra per kill of the worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    ROOT,
    VENV_BIN,
    Report,
    Server,
    begin,
    create_database,
    django_setup,
    finish,
    server_env,
)

DB = "motcua_bench_crash"
LEASE_S = 5  # short, so that rows claimed by a killed worker are taken up again quickly
DRAIN_S = 120


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: list[str] = field(default_factory=list)  # codes acknowledged with 201
    accepted: list[str] = field(default_factory=list)  # codes whose accept was acknowledged
    errors: Counter[str] = field(default_factory=Counter)
    web_kills: int = 0
    worker_kills: int = 0


class DeliveryWorker:
    """`manage.py deliver --loop 1`, killed and restarted on demand."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "python"), "manage.py", "deliver", "--loop", "1"], cwd=ROOT,
                env=self.env, stdout=out, stderr=out, start_new_session=True)
        self.starts += 1

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def post(url: str, token: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}",
                 "Idempotency-Key": uuid.uuid4().hex})
    try:
        with urllib.request.urlopen(request, timeout=15) as r:
            return int(r.status), json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def client(server: Server, fx: object, n: int, deadline: float, tally: Tally) -> None:
    i = 0
    while time.monotonic() < deadline:
        i += 1
        payload = json.loads(json.dumps(fx.payload))  # type: ignore[attr-defined]
        payload["applicant"]["email"] = f"applicant.{n}.{i}@example.vn"
        try:
            status, body = post(f"{server.url}/api/v1/dossiers",
                                fx.tokens[0], payload)  # type: ignore[attr-defined]
        except OSError as exc:  # a killed worker drops its connections
            with tally.lock:
                tally.errors[f"submit: {type(exc).__name__}"] += 1
            continue
        if status != 201:
            with tally.lock:
                tally.errors[f"submit: HTTP {status}"] += 1
            continue
        code = str(body["code"])
        with tally.lock:
            tally.submitted.append(code)
        try:
            status, _body = post(f"{server.url}/api/v1/dossiers/{code}/actions/accept",
                                 fx.officer_token, {})  # type: ignore[attr-defined]
        except OSError as exc:
            with tally.lock:
                tally.errors[f"accept: {type(exc).__name__}"] += 1
            continue
        with tally.lock:
            if status == 200:
                tally.accepted.append(code)
            else:
                tally.errors[f"accept: HTTP {status}"] += 1


def killer(server: Server, worker: DeliveryWorker, every: float, deadline: float,
           tally: Tally, rng: random.Random) -> None:
    while True:
        pause = every * rng.uniform(0.5, 1.5)
        if time.monotonic() + pause >= deadline:
            return
        time.sleep(pause)
        pids = server.worker_pids()
        if pids:
            try:
                os.kill(rng.choice(pids), signal.SIGKILL)
                tally.web_kills += 1
            except ProcessLookupError:
                pass
        time.sleep(rng.uniform(0, 0.5))  # kill the worker at a random point of its loop
        worker.kill()
        tally.worker_kills += 1
        worker.start()


def outbox_left() -> int:
    from motcua.notifications.models import Delivery

    return Delivery.objects.filter(status__in=["pending", "sending"]).count()


def check(tally: Tally, mail_log: Path, worker_log: Path, report: Report) -> bool:
    from django.db.models import Count

    from motcua.dossiers import lifecycle
    from motcua.dossiers.models import Dossier, DossierEvent, Status
    from motcua.notifications.delivery import timeline_cause
    from motcua.notifications.models import Delivery

    codes = set(Dossier.objects.values_list("code", flat=True))
    lost_dossiers = [c for c in tally.submitted if c not in codes]
    received = set(Dossier.objects.filter(code__in=tally.accepted)
                   .exclude(status=Status.SUBMITTED).values_list("code", flat=True))
    lost_accepts = [c for c in tally.accepted if c not in received]
    notice_actions = {name for name, a in lifecycle.ACTIONS.items() if a.notice} | {"receive"}
    expected = set(DossierEvent.objects.filter(action__in=notice_actions)
                   .exclude(dossier__applicant_email="").values_list("pk", flat=True))
    rows = {r["cause"]: r for r in Delivery.objects.values("id", "cause", "status", "attempts")}
    per_cause = Counter(Delivery.objects.values_list("cause", flat=True))
    missing_rows = [e for e in expected if timeline_cause(e) not in rows]
    extra_rows = sum(n - 1 for n in per_cause.values() if n > 1)
    not_sent = [r for c, r in rows.items() if r["status"] != "sent"]
    sent_ids = {r["id"] for r in rows.values() if r["status"] == "sent"}
    handed = Counter(int(x) for x in mail_log.read_text().split()) if mail_log.exists() \
        else Counter()
    never_handed = [i for i in sent_ids if handed[i] == 0]
    duplicates = sum(n - 1 for n in handed.values() if n > 1)
    retried = Delivery.objects.filter(attempts__gt=1).count()
    overtaken = worker_log.read_text(errors="replace").count("sent after another worker took it")
    notify_events = DossierEvent.objects.filter(action="notify").count()
    notify_dupes = (DossierEvent.objects.filter(action="notify").values("data__delivery")
                    .annotate(n=Count("id")).filter(n__gt=1).count())

    report.say(f"kills: {tally.web_kills} web workers, {tally.worker_kills} delivery workers "
               "(SIGKILL)")
    report.say(f"dossiers: {len(tally.submitted)} acknowledged (201), {len(lost_dossiers)} "
               f"lost; {len(codes)} in the database")
    report.say(f"accepts: {len(tally.accepted)} acknowledged (200), {len(lost_accepts)} lost")
    report.say(f"client errors (requests cut by a kill, not acknowledged): "
               f"{dict(tally.errors) or 'none'}")
    report.say(f"notices: {len(expected)} expected (timeline events that send one), "
               f"{len(rows)} delivery rows, {len(missing_rows)} missing, {extra_rows} extra, "
               f"{len(sent_ids)} sent, {len(not_sent)} not sent")
    report.say(f"mail handed over: {sum(handed.values())} messages for {len(handed)} rows; "
               f"{duplicates} duplicate sends; {len(never_handed)} sent rows never handed over; "
               f"{retried} rows took more than one attempt; {overtaken} sends overtaken by "
               "another worker (logged: a send slower than half the lease)")
    report.say(f"timeline: {notify_events} notify events, {notify_dupes} deliveries with more "
               "than one")
    report.judge("no acknowledged dossier or accept lost", not lost_dossiers and not lost_accepts,
                 f"{len(lost_dossiers)} dossiers, {len(lost_accepts)} accepts")
    report.judge("one delivery row per notice, all sent",
                 not missing_rows and not extra_rows and not not_sent and not never_handed,
                 f"{len(missing_rows)} missing, {extra_rows} extra, {len(not_sent)} not sent, "
                 f"{len(never_handed)} never handed over")
    report.judge("duplicates only in the documented window",
                 overtaken == 0 and duplicates <= min(tally.worker_kills, retried),
                 f"{duplicates} duplicate sends ≤ {tally.worker_kills} worker kills and ≤ "
                 f"{retried} re-claimed rows; {overtaken} overtaken")
    report.judge("one notify event per sent delivery",
                 notify_events == len(sent_ids) and not notify_dupes,
                 f"{notify_events} events for {len(sent_ids)} sent rows")
    return not (lost_dossiers or lost_accepts or missing_rows or extra_rows or not_sent
                or never_handed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help=f"keep {DB} at the end")
    args = parser.parse_args()
    started_run = begin("crash.py", False, ("createdb", "dropdb"))
    if started_run is None:
        return 2
    report, started = started_run
    workdir = Path(tempfile.mkdtemp(prefix="motcua-crash-"))
    mail_log = workdir / "mail.log"
    server = Server(workdir, DB, workers=3)
    worker_env = {**server_env(DB), "EMAIL_BACKEND": "bench.countmail.EmailBackend",
                  "CRASH_MAIL_LOG": str(mail_log), "DELIVERY_LEASE_SECONDS": str(LEASE_S),
                  "DELIVERY_BACKOFF_SECONDS": "1"}
    worker = DeliveryWorker(worker_env, workdir / "deliver.log")
    tally = Tally()
    ok = False
    try:
        create_database(DB)
        django_setup(DB)
        sys.path.insert(0, str(ROOT / "bench"))
        from intake import build_fixture

        fx = build_fixture()
        # the component reused from the data store: an officer receives an online dossier only
        # once its declared uploads have their files, and this test sends none
        fx.payload["components"] = [{**c, "source": "reused", "reference": "kho-du-lieu"}
                                    for c in fx.payload["components"]]
        server.start()
        worker.start()
        report.say(f"load: {args.clients} clients submit + accept for {args.seconds:.0f} s; "
                   f"SIGKILL a web worker and the delivery worker every ~{args.kill_every} s; "
                   f"lease {LEASE_S} s")
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(server, fx, n, deadline, tally))
                   for n in range(args.clients)]
        threads.append(threading.Thread(target=killer, args=(
            server, worker, args.kill_every, deadline, tally, random.Random(args.seed))))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        drain_started = time.monotonic()
        while (left := outbox_left()) and time.monotonic() - drain_started < DRAIN_S:
            time.sleep(1)
        report.say(f"drain: {time.monotonic() - drain_started:.0f} s, {left} rows left "
                   "pending or sending")
        worker.stop()
        ok = check(tally, mail_log, worker.log, report)
    finally:
        worker.stop()
        finish(server, DB, args.keep, workdir, report, started)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
