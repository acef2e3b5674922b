"""Where a submission and a tracking lookup spend their time, in one process (cProfile).

Usage: .venv/bin/python bench/profile_submit.py [--n 300] [--top 30]

Own database motcua_bench_prof (created, dropped at the end). The requests go through the whole
Django stack (middleware, DRF, the view, the ORM, PostgreSQL) via django.test.Client, one at a
time, so the profile shows CPU cost, not lock waits: compare with bench/intake.py's latencies.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "motcua_bench_prof"
ENV = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres",
       "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DEBUG": "0",
       "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
       "CONN_MAX_AGE": "3600", "DJANGO_SETTINGS_MODULE": "motcua.settings"}


# (label, end of the file name, function): the parts of a request worth telling apart
PHASES = [
    ("whole request (Django test client)", "django/test/client.py", "request"),
    ("DRF authentication (token lookup)", "rest_framework/request.py", "_authenticate"),
    ("SubmissionSerializer validation", "rest_framework/serializers.py", "is_valid"),
    ("run_once: idempotency record + create + commit", "motcua/core/idempotency.py", "run_once"),
    ("  _submission: receiving agency lookup", "motcua/dossiers/api.py", "_submission"),
    ("  actions.submit (transaction)", "motcua/dossiers/actions.py", "submit"),
    ("    allocate_code (daily number upsert)", "motcua/dossiers/codes.py", "allocate_code"),
    ("    competent_agency (routing)", "motcua/dossiers/routing.py", "competent_agency"),
    ("    Procedure.version_on", "motcua/catalog/models.py", "version_on"),
    ("    _event (timeline row)", "motcua/dossiers/actions.py", "_event"),
    ("  _detail: re-read the dossier + 8 relations, serialize", "motcua/dossiers/api.py",
     "_detail"),
    ("    serializer .data (DRF)", "rest_framework/serializers.py", "data"),
    ("SQL execution (psycopg, incl. waiting for PostgreSQL)", "psycopg/cursor.py", "execute"),
    ("SQL compilation (Django ORM)", "django/db/models/sql/compiler.py", "as_sql"),
    ("response rendering (JSONRenderer)", "rest_framework/response.py", "rendered_content"),
    ("tracking view", "motcua/dossiers/api.py", "get"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    subprocess.run(["dropdb", "--if-exists", "--force", DB], env=ENV, check=True)
    subprocess.run(["createdb", DB], env=ENV, check=True)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput",
                        "-v", "0"], env=ENV, check=True, cwd=ROOT)
        os.environ.update({k: ENV[k] for k in
                           ("DATABASE_URL", "DEBUG", "SECRET_KEY", "CONN_MAX_AGE",
                            "DJANGO_SETTINGS_MODULE")})
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        import django

        django.setup()
        import intake
        from django.db import connection
        from django.test import Client

        fx = intake.build_fixture()
        client = Client()
        body = json.dumps(fx.payload)
        headers = {"HTTP_AUTHORIZATION": f"Token {fx.tokens[0]}"}

        def submit() -> str:
            r = client.post("/api/v1/dossiers", data=body, content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **headers)
            assert r.status_code == 201, r.content
            return r.json()["code"]

        statements: list[str] = []

        def count(execute, sql, params, many, context):  # noqa: ANN001
            statements.append(sql)
            return execute(sql, params, many, context)

        codes = [submit() for _ in range(20)]  # warm
        for name, fn in (("submission", submit),
                         ("tracking", lambda: client.get(f"/api/v1/tracking/{codes[7]}"))):
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(args.n):
                fn()
            profiler.disable()
            wall = (time.perf_counter() - started) / args.n * 1000
            print(f"== {name}: {args.n} requests, {wall:.2f} ms each under cProfile")
            stats = pstats.Stats(profiler)
            total = sum(t for (_c, _n, t, _ct, _callers) in stats.stats.values())  # type: ignore[attr-defined]
            print("   phases (cumulative, ms per request and share of the request):")
            for label, file_part, func in PHASES:
                cum = sum(ct for (f, _l, fn), (_c, _n, _t, ct, _callers) in
                          stats.stats.items()  # type: ignore[attr-defined]
                          if fn == func and f.endswith(file_part))
                if cum:
                    print(f"   {cum / args.n * 1000:8.2f} ms {cum / total:6.1%}  {label}")
            for key in ("cumulative", "tottime"):
                if not args.top:
                    break
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
                text = out.getvalue()
                print(text[text.find("   ncalls"):])
            # and without the profiler, for the plain cost (CPU time: robust to other load)
            started, cpu = time.perf_counter(), time.process_time()
            statements.clear()
            with connection.execute_wrapper(count):
                fn()
            for _ in range(args.n - 1):
                fn()
            print(f"== {name}: {(time.perf_counter() - started) / args.n * 1000:.2f} ms wall, "
                  f"{(time.process_time() - cpu) / args.n * 1000:.2f} ms CPU of this process "
                  f"each without the profiler; {len(statements)} SQL statements (+ COMMIT)\n")
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", "--if-exists", "--force", DB], env=ENV, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
