"""A real worker process (`manage.py deliver_outbox --loop`) killed with SIGKILL while it waits
for the portal's answer: after its lease, a second worker delivers its messages; the portal
keeps one copy of each, in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
LEASE = 4  # seconds: the killed worker's messages wait this long for another worker
QUEUE = """
import datetime as dt
from django.db import transaction
from motcua.integration import outbox
now = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
with transaction.atomic():
    for i in range(3):
        for n in range(2):
            outbox.queue(system="portal", kind="procedure", stream=f"procedure:P{i}",
                         key=f"kill-test:P{i}:{n}", now=now,
                         payload={"procedure_code": f"P{i}", "version": n})
"""
READ = """
from motcua.integration.models import OutboxMessage
for m in OutboxMessage.objects.order_by("id"):
    print("|".join([m.key, m.status, str(m.attempts), m.claimed_by]))
"""


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """The test database when it is PostgreSQL (the workers share it), else a SQLite file
    migrated from scratch."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=worker_env(tmp_path, url, ""), check=True, capture_output=True,
                   timeout=600)
    return url


def worker_env(tmp: Path, database_url: str, sandbox_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DATABASE_URL=database_url, MOTCUA_VAR_DIR=str(tmp), SECRET_KEY="x",
               NATIONAL_SANDBOX_URL=sandbox_url, OUTBOX_LEASE_SECONDS=str(LEASE),
               NATIONAL_SEND_SECONDS="60", OUTBOX_BACKOFF_SECONDS="0.1", LOG_LEVEL="ERROR")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True, timeout=300)
    return done.stdout


def read_rows(env: dict[str, str]) -> list[list[str]]:
    """key, status, attempts, claimed_by of every message, in order."""
    return [line.split("|") for line in manage(env, "shell", "-c", READ).splitlines()
            if "|" in line]


def wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)


# marked so that the test database is made even when this file runs alone (the
# servers must never be given the main one)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_delivery_leaves_its_messages_to_another(
        sandbox, database_url, tmp_path):
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    env = worker_env(tmp_path, database_url, sandbox.url)
    manage(env, "shell", "-c", QUEUE)
    # The portal holds the first request for a long time: the worker is caught mid-delivery.
    rule = sandbox.fault("/portal/messages", "latency", seconds=20, times=1)

    def hits() -> int:
        rules = sandbox.get("/_faults/").json()["faults"]
        return next(r["hits"] for r in rules if r["id"] == rule["id"])

    first = subprocess.Popen([sys.executable, "manage.py", "deliver_outbox", "--loop", "0.2"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: hits() == 1, "the first worker's request to reach the portal")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    rows = read_rows(env)
    held = [r for r in rows if r[1] == "sending"]
    assert [r[0] for r in held] == [f"kill-test:P{i}:0" for i in range(3)]  # one per stream
    dead_worker = held[0][3]

    second = subprocess.Popen([sys.executable, "manage.py", "deliver_outbox", "--loop", "0.2"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        def all_delivered() -> bool:
            return all(r[1] == "delivered" for r in read_rows(env))

        wait_for(all_delivered, "the second worker to deliver everything")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    rows = read_rows(env)
    for key, _status, attempts, claimed_by in rows:
        if key.endswith(":0"):  # taken over after the lease: a second attempt, another worker
            assert (attempts, claimed_by != dead_worker) == ("2", True), key
    # The portal (its held request may finish later: still one copy) has each once, in order.
    got = sandbox.get("/portal/received", params={"kind": "procedure"}).json()["messages"]
    keys = [m["key"] for m in got]
    assert sorted(keys) == sorted(r[0] for r in rows)
    for i in range(3):
        mine = [k for k in keys if k.startswith(f"kill-test:P{i}:")]
        assert mine == [f"kill-test:P{i}:0", f"kill-test:P{i}:1"]
