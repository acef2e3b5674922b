"""What the benchmarks in bench/ share: the report, ceilings, CPU accounting on a shared machine,
the quiet-machine wait, an own PostgreSQL database, gunicorn, wrk's output.

Each benchmark owns one database (`motcua_bench` for intake.py, `motcua_bench_wl` for
worklist.py), created at the start and dropped at the end, also on error. Run the scripts with
.venv/bin/python from the repository root or anywhere: they import this module from their own
directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent  # run with .venv/bin/python
CEILINGS = Path(os.environ.get("MOTCUA_CEILINGS",  # to run a scratch copy of the tree
                               ROOT.parent / "shared" / "tools" / "ceilings.sh"))
CEILING_DB = "motcua_ceiling"  # the fixed name ceilings.sh uses: never run two at once
PGHOST, PGPORT, PGUSER = "127.0.0.1", "5432", "postgres"
PG_ENV = {**os.environ, "PGHOST": PGHOST, "PGPORT": PGPORT, "PGUSER": PGUSER}

# DEBUG is off, so the settings need a key; the benchmark's servers live for one run.
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
RSS_MB = 300.0  # DESIGN.md: a web or worker process ≤ 300 MB RSS under load


def database_url(db: str) -> str:
    return f"postgres://{PGUSER}@{PGHOST}:{PGPORT}/{db}"


def server_env(db: str) -> dict[str, str]:
    """The environment of gunicorn and of the in-process Django: DEBUG off, persistent
    connections, the benchmark's own database. The public-lookup limit stays on (its cost is
    part of a lookup) but so high that one wrk client never reaches it."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "CONN_MAX_AGE": "3600",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "PUBLIC_LOOKUPS_PER_MINUTE": "1000000000",
    }


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, bool]] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def judge(self, what: str, ok: bool, detail: str) -> None:
        self.verdicts.append((what, ok))
        self.say(f"  {'PASS' if ok else 'FAIL'}  {what}: {detail}")


def run(cmd: list[str], *, env: dict[str, str] | None = None, check: bool = True,
        capture: bool = True, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env or PG_ENV, check=check, cwd=cwd, text=True,
                          capture_output=capture)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ratio(value: float, ceiling: float | None) -> str:
    return f"{value / ceiling:.1%} of {ceiling:,.0f}" if ceiling else "n/a (no ceiling)"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def summarize_queries(sqls: list[str]) -> str:
    kinds: dict[str, int] = {}
    for sql in sqls:
        head = sql.split(None, 1)[0].upper()
        m = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', sql)
        key = f"{head} {m.group(1)}" if m and head in {"SELECT", "INSERT", "UPDATE"} else head
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{k} ×{v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))


# --- CPU accounting (the machine is shared: say how much of it the load really had) -------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    with open("/proc/stat") as f:
        user, nice, system, _idle, _wait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def process_cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / CLK_TCK


class CpuWindow:
    """CPU seconds used during a load by the gunicorn workers, the benchmark database's
    PostgreSQL backends, wrk (a child of this process), and everything else on the machine."""

    def __init__(self, workers: list[int], backends: list[int]) -> None:
        self.workers, self.backends = workers, backends
        self.t0 = time.monotonic()
        self.start = self._sample()

    def _sample(self) -> tuple[float, float, float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (machine_busy_s(), process_cpu_s(self.workers), process_cpu_s(self.backends),
                children.ru_utime + children.ru_stime)

    def stop(self) -> dict[str, float]:
        end = self._sample()
        busy, workers, backends, wrk = (b - a for a, b in zip(self.start, end, strict=True))
        wall = time.monotonic() - self.t0
        return {"wall": wall, "busy": busy, "workers": workers, "postgres": backends,
                "wrk": wrk, "other": max(0.0, busy - workers - backends - wrk),
                "capacity": wall * (os.cpu_count() or 1)}


class LockSampler:
    """Samples pg_stat_activity of `db` every 0.1 s from its own connection: how many
    sessions wait for a lock and how many hold a transaction open."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.samples: list[tuple[int, int, int]] = []
        self.waits: dict[str, int] = {}  # lock wait events (relation extension, tuple, …)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(host=PGHOST, port=PGPORT, user=PGUSER, dbname=self.db,
                             autocommit=True) as conn:
            while not self._stop.wait(0.1):
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), "
                    "count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT "
                    "FROM 'Lock'), count(*) FILTER (WHERE state LIKE 'idle in transaction%%') "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.db]).fetchone()
                if row:
                    self.samples.append(row)
                if row and row[0]:
                    for (event,) in conn.execute(
                            "SELECT wait_event FROM pg_stat_activity WHERE datname = %s "
                            "AND wait_event_type = 'Lock'", [self.db]).fetchall():
                        self.waits[event] = self.waits.get(event, 0) + 1

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def line(self) -> str:
        if not self.samples:
            return "no pg_stat_activity samples"
        n = len(self.samples)
        lock, active, idle_tx = (sum(s[i] for s in self.samples) / n for i in range(3))
        waits = ", ".join(f"{k} {v}" for k, v in sorted(self.waits.items(),
                                                         key=lambda kv: -kv[1]))
        return (f"sessions of the workers, on average over {n} samples: {lock:.2f} waiting "
                f"for a lock{f' (lock kinds seen: {waits})' if waits else ''}, {active:.2f} "
                f"running a statement, {idle_tx:.2f} in a transaction between statements (the "
                "worker runs Python)")


def wait_for_quiet(report: Report, what: str, limit: float = 0.15, max_wait: float = 20.0) -> None:
    """Before a load: wait (up to max_wait s) for a 1 s window in which the machine, idle as
    far as this benchmark goes, is busy less than `limit` of its CPUs; say what was found."""
    capacity = os.cpu_count() or 1
    started = time.monotonic()
    while True:
        before, t0 = machine_busy_s(), time.monotonic()
        time.sleep(1.0)
        busy = (machine_busy_s() - before) / ((time.monotonic() - t0) * capacity)
        waited = time.monotonic() - started
        if busy < limit or waited >= max_wait:
            break
    if busy >= limit or waited > 1.5:
        report.say(f"  ({what}: background load {busy:.0%} of the CPUs after waiting "
                   f"{waited:.0f} s for a quiet machine)")


def bench_backends() -> list[int]:
    """PostgreSQL backends connected to the current (Django) database, except our own."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid()")
        return [row[0] for row in c.fetchall()]


def cpu_line(cpu: dict[str, float], requests: int, unit: str = "request") -> str:
    per = 1000 / max(requests, 1)
    return (f"CPU per {unit}: gunicorn {cpu['workers'] * per:.2f} ms + PostgreSQL "
            f"{cpu['postgres'] * per:.2f} ms + wrk {cpu['wrk'] * per:.2f} ms; machine busy "
            f"{cpu['busy'] / cpu['capacity']:.0%} of {os.cpu_count()} CPUs, of which other "
            f"processes (not this benchmark) {cpu['other'] / cpu['capacity']:.0%}")


# --- ceilings --------------------------------------------------------------------------------


def ceilings_running() -> str:
    """Why another run of ceilings.sh seems to be going on ('' if none): a session on its
    database, or one of its processes (it uses one fixed database name for everybody)."""
    out = run(["psql", "-Atc", "SELECT count(*) FROM pg_stat_activity WHERE datname = "
               f"'{CEILING_DB}'", "postgres"], check=False)
    if out.returncode == 0 and out.stdout.strip() not in ("", "0"):
        return f"{out.stdout.strip()} session(s) on {CEILING_DB}"
    ps = run(["ps", "-eo", "pid=,args="], check=False)
    for line in ps.stdout.splitlines():
        if "ceiling_app:application" in line or "pgbench -c 8 -j 2" in line \
                or "ceilings.sh" in line:
            return f"process {line.strip()[:100]}"
    return ""


def measure_ceilings(seconds: int, report: Report) -> dict[str, float]:
    if not CEILINGS.exists():
        report.say(f"ceilings: {CEILINGS} is absent (no ../shared): no ceilings, no ratios")
        return {}
    waited, deadline = 0.0, time.monotonic() + 120
    while (busy := ceilings_running()) and time.monotonic() < deadline:
        time.sleep(2)
        waited += 2
    if busy:
        report.say(f"ceilings: another run of ceilings.sh still seems to be going on after "
                   f"{waited:.0f} s ({busy}); running ours anyway")
    elif waited:
        report.say(f"  (waited {waited:.0f} s for another run of ceilings.sh to end)")
    env = {**PG_ENV, "PYTHON": str(VENV_BIN / "python")}
    started = time.monotonic()
    out = run(["bash", str(CEILINGS), str(seconds)], env=env, check=False)
    ceilings: dict[str, float] = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(":")
        try:
            ceilings[name.strip()] = float(value)
        except ValueError:
            continue
    if out.returncode != 0 or not ceilings:
        report.say(f"ceilings: ceilings.sh failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    report.say(f"ceilings (bash {CEILINGS} {seconds}, "
               f"{time.monotonic() - started:.0f} s):")
    for name, number in ceilings.items():
        report.say(f"  {name}: {number:,.1f}")
    return ceilings


# --- the benchmark's own database ------------------------------------------------------------


def create_database(db: str) -> None:
    """A fresh `db`, migrated."""
    run(["dropdb", "--if-exists", "--force", db])
    run(["createdb", db])
    run([str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        env=server_env(db))


def drop_database(db: str) -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 - Django may never have been set up
        pass
    run(["dropdb", "--if-exists", "--force", db], check=False)


def django_setup(db: str) -> None:
    env = server_env(db)
    os.environ.update({k: env[k] for k in
                       ("DATABASE_URL", "DEBUG", "SECRET_KEY", "CONN_MAX_AGE",
                        "DJANGO_SETTINGS_MODULE")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def wait_quiet(connection: Any, settle: float = 1.0, timeout: float = 30.0) -> None:
    """Until no other session of the database is inside a transaction or a query."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid() AND state <> 'idle'")
            (busy,) = c.fetchone()
        if busy == 0:
            time.sleep(settle)
            return
        time.sleep(0.2)


# --- gunicorn and wrk ------------------------------------------------------------------------


class Server:
    """gunicorn motcua.wsgi:application -w 3 (sync workers) on a free port, on `db`."""

    def __init__(self, workdir: Path, db: str, workers: int = 3) -> None:
        self.port = free_port()
        self.env = server_env(db)
        self.workers = workers
        self.log = workdir / "gunicorn.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [str(VENV_BIN / "gunicorn"), "motcua.wsgi:application", "-w", str(self.workers),
               "-b", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log),
               "--log-level", "warning", "--timeout", "60"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        out = run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], check=False)
        return [int(p) for p in out.stdout.split()]

    def worker_rss_mb(self) -> list[float]:
        pids = self.worker_pids()
        if not pids:
            return []
        out = run(["ps", "-o", "rss=", "-p", ",".join(map(str, pids))], check=False)
        return [int(kb) / 1024 for kb in out.stdout.split()]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


def parse_result(stdout: str) -> dict[str, float]:
    """The `RESULT k=v ...` line the bench/*.lua scripts print in done()."""
    line = next((ln for ln in stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no RESULT line:\n{stdout[-3000:]}")
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def fill(template: Path, workdir: Path, name: str | None = None, **values: str) -> Path:
    """A copy of a bench/*.lua template in `workdir` with @KEY@ replaced by values[KEY]."""
    text = template.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    out = workdir / (name or template.name)
    out.write_text(text)
    return out


@dataclass
class WrkRun:
    """One wrk run against the server: its output, the RESULT line of the bench/*.lua script
    (empty without one), the CPU each party used meanwhile, the workers' RSS after."""

    stdout: str
    stderr: str
    result: dict[str, float]
    cpu: dict[str, float]
    rss: list[float]


def run_wrk(server: Server, cmd: list[str], sampler: Any = None) -> WrkRun:
    """Run wrk `cmd`; `sampler`: a context manager to keep open meanwhile (LockSampler)."""
    window = CpuWindow(server.worker_pids(), bench_backends())
    with sampler if sampler is not None else contextlib.nullcontext():
        out = run(cmd, env=os.environ.copy(), check=False)
    cpu = window.stop()
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stdout[-2000:]} {out.stderr}")
    result = parse_result(out.stdout) if "\nRESULT " in f"\n{out.stdout}" else {}
    return WrkRun(out.stdout, out.stderr, result, cpu, server.worker_rss_mb())


@dataclass
class ReadLoad:
    """One read load: wrk's RESULT figures, errors, CPU per party, worker RSS."""

    result: dict[str, float]
    errors: int
    cpu: dict[str, float]
    rss: list[float]


def run_read_load(server: Server, cmd: list[str], title: str, shown_script: str,
                  ceilings: dict[str, float], report: Report) -> ReadLoad:
    """Run wrk (`cmd`, its last three arguments `-s <script> <url>`), print the figures every
    read load prints: rate and its ratio to django_pk_read_rps, latencies, errors, CPU, RSS."""
    wrk = run_wrk(server, cmd)
    r, cpu, rss = wrk.result, wrk.cpu, wrk.rss
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk.stdout)
    errors = int(r["connect_err"] + r["read_err"] + r["write_err"] + r["timeout_err"])
    errors += int(non2xx.group(1)) if non2xx else int(r["status_err"])
    report.say(title)
    report.say(f"  command: {' '.join(cmd[:-3])} {shown_script} {cmd[-1]}")
    report.say(f"  {int(r['completed']):,} requests = {r['rps']:,.1f} req/s "
               f"({ratio(r['rps'], ceilings.get('django_pk_read_rps'))} django_pk_read_rps)")
    report.say(f"  latency ms: p50 {r['p50_ms']:.2f}  p90 {r['p90_ms']:.2f}  "
               f"p95 {r['p95_ms']:.2f}  p99 {r['p99_ms']:.2f}  max {r['max_ms']:.1f}")
    report.say(f"  errors (non-2xx + socket errors): {errors}")
    report.say(f"  {cpu_line(cpu, int(r['completed']))}")
    report.say(f"  gunicorn worker RSS after the load: {', '.join(f'{m:.0f}' for m in rss)} MB")
    return ReadLoad(r, errors, cpu, rss)


def finish(server: Server, db: str, keep: bool, workdir: Path, report: Report,
           started: float) -> list[str]:
    """Stop gunicorn, drop `db` (or keep it and say so), remove `workdir`, print the verdicts'
    summary line; returns what failed."""
    import shutil

    server.stop()
    if keep:
        from django.db import connections

        connections.close_all()
        report.say(f"kept {db} (--keep): dropdb --force {db} when done")
    else:
        drop_database(db)
    shutil.rmtree(workdir, ignore_errors=True)
    failed = [what for what, ok in report.verdicts if not ok]
    report.say(f"done in {time.monotonic() - started:.0f} s; {len(report.verdicts) - len(failed)}"
               f" passed, {len(failed)} failed{': ' + '; '.join(failed) if failed else ''}")
    return failed


def begin(script: str, quick: bool, tools: tuple[str, ...]) -> tuple[Report, float] | None:
    """Check that `tools` are installed (None, with the reason on stderr, if one is missing),
    then print the run's first line: script, time, machine, code."""
    import datetime as dt
    import shutil

    for tool in tools:
        if shutil.which(tool) is None:
            print(f"{tool} is missing (apt-get install -y wrk postgresql-client)", file=sys.stderr)
            return None
    report = Report()
    git = run(["git", "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    report.say(f"bench/{script}{' --quick (smoke check, do not record)' if quick else ''} — "
               f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, "
               f"load average {os.getloadavg()[0]:.2f}, code {ROOT} (git {git or '?'})")
    return report, time.monotonic()


def worklist_script(workdir: Path, path: str, token: str) -> Path:
    """bench/lookup.lua asking for `path` (a worklist URL) every time, with `token`."""
    return fill(BENCH / "lookup.lua", workdir, "worklist.lua", PATH=path, CODES="", SEED="1",
                TOKEN=token, COOKIE="")
