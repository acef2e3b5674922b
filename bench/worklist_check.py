"""A quick look at the worklist over HTTP on a database kept by `bench/worklist.py --keep`.

Usage: .venv/bin/python bench/worklist_check.py [--seconds 8]

Starts gunicorn (3 sync workers) on motcua_bench_wl as it is, warms up, then runs wrk at 1 and 3
connections per view for specialist.a and prints rate, latencies and CPU per request. For
comparing a change with the one before it in minutes; the recorded figures come from
bench/worklist.py only (fresh data, ceilings, checks).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import (
    PG_ENV,
    Server,
    django_setup,
    run,
    run_wrk,
    worklist_script,
)

DB = "motcua_bench_wl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    token = run(["psql", "-d", DB, "-tAc", "SELECT t.key FROM authtoken_token t JOIN org_user u "
                 "ON u.id = t.user_id WHERE u.username = 'specialist.a'"], env=PG_ENV,
                check=False).stdout.strip()
    if not token:
        print(f"no {DB} with specialist.a's token: run bench/worklist.py --keep first",
              file=sys.stderr)
        return 2
    django_setup(DB)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-wl-check-"))
    server = Server(workdir, DB)
    server.start()
    try:
        for view in ("mine", "queue"):
            path = f"/api/v1/worklist?view={view}"
            script, url = str(worklist_script(workdir, path, token)), f"{server.url}{path}"
            run(["wrk", "-t1", "-c3", "-d2s", "-s", script, url], check=False)  # warm-up
            for connections in (1, 3):
                wrk = run_wrk(server, ["wrk", "-t1", f"-c{connections}", f"-d{args.seconds}s",
                                       "--latency", "-s", script, url])
                r, cpu = wrk.result, wrk.cpu
                n = r["completed"]
                print(f"{view:5} c{connections}: {r['rps']:6.1f} req/s  p50 {r['p50_ms']:6.2f}  "
                      f"p95 {r['p95_ms']:6.2f}  p99 {r['p99_ms']:6.2f} ms  non-2xx "
                      f"{r['status_err']:.0f}  CPU per request: gunicorn "
                      f"{cpu['workers'] * 1000 / n:.2f} + PostgreSQL "
                      f"{cpu['postgres'] * 1000 / n:.2f} ms")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
