"""The public-lookup limit holds across server processes: two gunicorn instances (two workers
each) count one client together, in the database or in Redis, in turn and concurrently."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
LIMIT = 5
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(tmp: Path, database_url: str, redis_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update(DATABASE_URL=database_url, MOTCUA_VAR_DIR=str(tmp), LOG_LEVEL="WARNING",
               PUBLIC_LOOKUPS_PER_MINUTE=str(LIMIT), TRUSTED_PROXY_COUNT="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory) -> str:
    """A file database migrated from scratch by `manage.py migrate`, as on a fresh machine."""
    tmp = tmp_path_factory.mktemp("shared-limit")
    url = f"sqlite:///{tmp / 'db.sqlite3'}"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=server_env(tmp, url), check=True, capture_output=True, timeout=300)
    return url


@pytest.fixture
def database_url(request) -> str:
    """The test database when it is PostgreSQL (the servers share it), else a SQLite file."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return request.getfixturevalue("sqlite_url")


@contextmanager
def two_servers(tmp: Path, env: dict[str, str]) -> Iterator[list[str]]:
    procs, urls = [], []
    try:
        for i in range(2):
            port = free_port()
            log = open(tmp / f"gunicorn-{i}.log", "wb")  # noqa: SIM115 - closed with the process
            procs.append((subprocess.Popen(
                [str(BIN / "gunicorn"), "motcua.wsgi:application", "-w", "2",
                 "-b", f"127.0.0.1:{port}", "--no-control-socket"],
                cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True), log))
            urls.append(f"http://127.0.0.1:{port}")
        for (proc, _log), url in zip(procs, urls, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, \
                    (tmp / "gunicorn-0.log").read_text() + (tmp / "gunicorn-1.log").read_text()
                time.sleep(0.1)
        yield urls
    finally:
        for proc, _log in procs:
            proc.terminate()
        for proc, log in procs:
            proc.wait(timeout=30)
            log.close()


def lookup(url: str, path: str, client: str) -> int:
    req = urllib.request.Request(f"{url}{path}", headers={"X-Forwarded-For": client})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


PATHS = ["/api/v1/tracking/000.01.20.H40-261116-9999", "/tra-cuu/000.01.20.H40-261116-9999"]


def allowed_in_one_minute(urls: list[str], requests: int, parallel: int,
                          clients: list[str]) -> int:
    """Send `requests` lookups of one new client to the servers in turn (the API to one, the
    page to the other); how many were allowed. Repeated with another client if a minute ended
    meanwhile, since the count starts afresh each minute."""
    for _attempt in range(3):
        client = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"  # no one else's
        clients.append(client)
        minute = time.time() // 60
        jobs = [(urls[i % 2], PATHS[i % 2], client) for i in range(requests)]
        with ThreadPoolExecutor(parallel) as pool:
            statuses = list(pool.map(lambda job: lookup(*job), jobs))
        if time.time() // 60 == minute:
            assert set(statuses) <= {200, 404, 429}, statuses
            return sum(s != 429 for s in statuses)
    pytest.fail("three minute boundaries in a row")


def check_limit(urls: list[str], clients: list[str]) -> None:
    alternating = allowed_in_one_minute(urls, 3 * LIMIT, 1, clients)
    concurrent = allowed_in_one_minute(urls, 8 * LIMIT, 8, clients)
    assert (alternating, concurrent) == (LIMIT, LIMIT)  # not 2× (per server) or more (races)


def tables(sqlite_url: str) -> set[str]:
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    finally:
        db.close()


def counted_in_database(database_url: str) -> set[str]:
    if database_url.startswith("sqlite"):
        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return {r[0] for r in db.execute("SELECT bucket FROM core_ratecount")}
        finally:
            db.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT bucket FROM core_ratecount")
        return {r[0] for r in cursor.fetchall()}


# marked so that the test database is made even when this file runs alone (the
# servers must never be given the main one)
@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_servers_counting_in_the_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):  # made by a fresh `manage.py migrate`
        assert {"motcua_cache", "core_ratecount"} <= tables(database_url)
    clients: list[str] = []
    with two_servers(tmp_path, server_env(tmp_path, database_url)) as urls:
        check_limit(urls, clients)
    assert {f"lookup:{c}" for c in clients} <= counted_in_database(database_url)


# marked so that the test database is made even when this file runs alone (the
# servers must never be given the main one)
@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_servers_counting_in_redis(database_url, tmp_path):
    redis = pytest.importorskip("redis")
    store = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        store.ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis at {REDIS_URL} (TEST_REDIS_URL) unreachable: {e}")
    clients: list[str] = []
    try:
        with two_servers(tmp_path, server_env(tmp_path, database_url, REDIS_URL)) as urls:
            check_limit(urls, clients)
        for c in clients[-1:]:  # counted in Redis, not in the database
            assert store.keys(f"*ratelimit:lookup:{c}:*")
        assert not {f"lookup:{c}" for c in clients} & counted_in_database(database_url)
    finally:
        for c in clients:
            for key in store.keys(f"*ratelimit:lookup:{c}:*"):
                store.delete(key)
        store.close()
