"""Signed results: PAdES signatures per second, and the public verification page's latency.

Usage: .venv/bin/python bench/signing.py [--seconds S] [--results N] [--processes P] [--keep]

DESIGN.md's target: PAdES signing of results ≥ 20 /s. The run owns one PostgreSQL database,
motcua_bench_sign (created at the start, dropped at the end), a development CA in a temporary
folder, and the sandbox's time-stamping service under gunicorn (2 workers), reached over HTTP
for every signature as in production.

1. a fresh database: a small org (motcua/tests/builders.py), a procedure, a certificate for the
   competent agency; N dossiers marked result-ready through the actions (N results issued);
2. signatures alone: one rendered result PDF signed again and again (pyHanko, PAdES, visible
   stamp, RFC 3161 time stamp over HTTP), by 1 process, then by P processes, for S seconds;
3. whole results: render (WeasyPrint) + sign + store + record, over the N issued results, by P
   processes;
4. GET /xac-thuc/<id>/ (the QR code's page: reads the stored file and verifies it) under
   gunicorn (3 sync workers) with 3 client threads for S seconds: p50/p95/p99 and pages/s.

The machine is shared: the figures carry the machine's busy CPU over each phase.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import (
    ROOT,
    VENV_BIN,
    Server,
    create_database,
    django_setup,
    drop_database,
    free_port,
    machine_busy_s,
    percentile,
    process_cpu_s,
)

DB = "motcua_bench_sign"


def start_sandbox(pki: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SANDBOX_VAR_DIR": str(folder), "SANDBOX_PUBLIC_URL": url,
           "SIGNING_PKI_DIR": str(pki), "DJANGO_SETTINGS_MODULE": "sandbox.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "sandbox" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "sandbox.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True)
    for _ in range(300):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the sandbox did not start")


def _sign_loop(pdf: bytes, cert_id: int, seconds: float, out: multiprocessing.Queue) -> None:
    from django.db import connections

    from motcua.records import signing
    from motcua.records.models import SigningCertificate

    connections.close_all()
    cert = SigningCertificate.objects.select_related("agency").get(pk=cert_id)
    signing.sign_pdf(pdf, cert, reason="warm-up", location="x", stamp_lines=["warm-up"])
    done, deadline = 0, time.monotonic() + seconds
    started, cpu = time.monotonic(), time.process_time()
    while time.monotonic() < deadline:
        signing.sign_pdf(pdf, cert, reason="Bench", location="Ninh Bình",
                         stamp_lines=["Ký bởi: Ủy ban nhân dân phường Hoa Lư", f"Số: {done}"])
        done += 1
    out.put((done, time.monotonic() - started, time.process_time() - cpu))


def _result_loop(ids: list[int], out: multiprocessing.Queue) -> None:
    from django.db import connections

    from motcua.records import results

    connections.close_all()
    started, cpu = time.monotonic(), time.process_time()
    for pk in ids:
        results.sign_result(pk)
    out.put((len(ids), time.monotonic() - started, time.process_time() - cpu))


def parallel(target, args_per_process: list[tuple]) -> tuple[int, float, float]:
    """(items done, wall seconds, CPU seconds of the working processes)."""
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for args in args_per_process]
    started = time.monotonic()
    for p in procs:
        p.start()
    answers = [queue.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    return (sum(a[0] for a in answers), time.monotonic() - started,
            sum(a[2] for a in answers))


def capacity(count: int, cpu: float, tsa_cpu: float) -> str:
    """What the CPU spent says of a quiet machine: cores / (CPU per item, ours and the TSA's)."""
    if not count:
        return ""
    per = (cpu + tsa_cpu) / count
    return (f"; CPU per item {cpu / count * 1000:.0f} ms here + {tsa_cpu / count * 1000:.0f} ms "
            f"in the TSA → {os.cpu_count() / per:.1f} /s on {os.cpu_count()} idle cores")


def busy_share(before: float, seconds: float) -> str:
    used = machine_busy_s() - before
    return f"machine CPU busy {used / seconds:.2f} of {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--results", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    work = Path(tempfile.mkdtemp(prefix="motcua-bench-sign-"))
    pki, media = work / "pki", work / "media"
    os.environ.update({"SIGNING_PKI_DIR": str(pki), "MEDIA_ROOT": str(media)})
    create_database(DB)
    django_setup(DB)
    sandbox, sandbox_url = None, ""
    server = None
    try:
        from django.conf import settings

        from motcua.dossiers import actions
        from motcua.dossiers.tests.factories import at, received
        from motcua.org.models import Role
        from motcua.records import certificates, results_pdf
        from motcua.records.models import ResultDocument, ResultState
        from motcua.tests.builders import build_org, build_procedure, staff

        root, _made = certificates.ensure_root()
        certificates.ensure_tsa(root)
        sandbox, sandbox_url = start_sandbox(pki, work / "sandbox")
        settings.NATIONAL_SANDBOX_URL = sandbox_url
        os.environ["NATIONAL_SANDBOX_URL"] = sandbox_url
        org = build_org()
        procedure = build_procedure()
        leader = staff("leader.a", "Đinh Văn Hải", org.pc_a, Role.LEADER)
        cert = certificates.issue_for(org.pc_a)
        print(f"# bench/signing.py  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  "
              f"cores={os.cpu_count()}  TSA={sandbox_url}/tsa/ (sandbox, 2 gunicorn workers)")
        t0 = time.monotonic()
        for _ in range(options.results):
            d = received(org, procedure, at("09:00 16/11/2026"))
            d = actions.perform(d, "start_processing", org.specialist_a,
                                now=at("10:00 16/11/2026"))
            actions.perform(d, "mark_result_ready", leader, now=at("15:00 18/11/2026"))
        print(f"setup: {options.results} results issued in {time.monotonic() - t0:.1f} s")

        first = ResultDocument.objects.order_by("pk").first()
        assert first is not None
        pdf = results_pdf.render_pdf(first)
        t0 = time.monotonic()
        renders = 0
        while time.monotonic() - t0 < 5:
            results_pdf.render_pdf(first)
            renders += 1
        print(f"render only (WeasyPrint, 1 process): {renders / (time.monotonic() - t0):.1f} "
              f"PDFs/s")

        tsa_pids = [int(p) for p in subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(sandbox.pid)], capture_output=True,
            text=True).stdout.split()] + [sandbox.pid]
        for procs in sorted({1, options.processes}):
            busy, tsa0 = machine_busy_s(), process_cpu_s(tsa_pids)
            count, took, cpu = parallel(_sign_loop, [(pdf, cert.pk, options.seconds)] * procs)
            tsa_cpu = process_cpu_s(tsa_pids) - tsa0
            print(f"signatures (PAdES B-T, stamp, TSA over HTTP), {procs} process(es): "
                  f"{count / took:.1f} /s ({count} in {took:.1f} s; {busy_share(busy, took)}"
                  f"{capacity(count, cpu, tsa_cpu)})")

        ids = list(ResultDocument.objects.filter(state=ResultState.PENDING)
                   .order_by("pk").values_list("pk", flat=True))
        chunks = [(ids[i::options.processes],) for i in range(options.processes)]
        busy, tsa0 = machine_busy_s(), process_cpu_s(tsa_pids)
        count, took, cpu = parallel(_result_loop, chunks)
        tsa_cpu = process_cpu_s(tsa_pids) - tsa0
        signed = ResultDocument.objects.filter(state=ResultState.SIGNED).count()
        print(f"whole results (render + sign + store + record), {options.processes} "
              f"processes: {count / took:.1f} /s ({count} in {took:.1f} s, {signed} signed; "
              f"{busy_share(busy, took)}{capacity(count, cpu, tsa_cpu)})")

        from django.db import connections

        connections.close_all()
        server = Server(work, DB)
        server.env.update({"SIGNING_PKI_DIR": str(pki), "MEDIA_ROOT": str(media)})
        for attempt in range(3):  # gunicorn may take over 30 s to start on a saturated machine
            try:
                server.start()
                break
            except RuntimeError:
                server.stop()
                if attempt == 2:
                    raise
        public_ids = [str(p) for p in ResultDocument.objects.filter(
            state=ResultState.SIGNED).values_list("public_id", flat=True)]
        latencies: list[float] = []
        lock = threading.Lock()
        cold: list[float] = []

        def client(index: int, deadline: float) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                n = index
                while time.monotonic() < deadline:
                    pid = public_ids[n % len(public_ids)]
                    t = time.perf_counter()
                    answer = http.get(f"/xac-thuc/{pid}/")
                    elapsed = time.perf_counter() - t
                    assert answer.status_code == 200 and 'data-verdict="valid"' in answer.text
                    with lock:
                        (cold if n < len(public_ids) else latencies).append(elapsed)
                    n += 3

        busy = machine_busy_s()
        deadline = time.monotonic() + options.seconds
        threads = [threading.Thread(target=client, args=(i, deadline)) for i in range(3)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - started
        every = cold + latencies
        print(f"verification page GET /xac-thuc/<id>/, 3 workers, 3 clients, {took:.0f} s: "
              f"{len(every) / took:.1f} pages/s; all: p50 {percentile(every, 50) * 1000:.1f} ms, "
              f"p95 {percentile(every, 95) * 1000:.1f} ms, p99 {percentile(every, 99) * 1000:.1f}"
              f" ms; first view of each result (the worker verifies the file): "
              f"{len(cold)} views, p95 {percentile(cold, 95) * 1000:.1f} ms"
              + (f"; later views (verdict cached per worker): p95 "
                 f"{percentile(latencies, 95) * 1000:.1f} ms" if latencies else "")
              + f" ({busy_share(busy, took)})")
        print(f"median of all views: {statistics.median(every) * 1000:.1f} ms")
    finally:
        if server is not None:
            server.stop()
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=15)
        if not options.keep:
            drop_database(DB)


if __name__ == "__main__":
    main()
