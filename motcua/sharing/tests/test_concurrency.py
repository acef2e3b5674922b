"""A consumer's calls made at the same time, to two server processes (two gunicorn instances
of two workers each, as in production), never pass its limit: the count is shared, in the
database (one atomic statement) or Redis (core.ratelimit). The consumer is made by
`manage.py create_consumer` in the servers' own database, as an administrator would."""

from __future__ import annotations

import re
import secrets
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from motcua.core.tests.test_shared_limit import (  # noqa: F401 - fixtures
    ROOT,
    database_url,
    server_env,
    sqlite_url,
    two_servers,
)

LIMIT = 5
LOGGED = ("SELECT count(*) FROM integration_exchangelogentry e JOIN "
          "integration_consumersystem c ON c.id = e.consumer_id WHERE c.code = %s")


def create_consumer(env: dict[str, str]) -> tuple[str, str, str]:
    code = f"limited-{secrets.token_hex(3)}"
    run = subprocess.run(
        [sys.executable, "manage.py", "create_consumer", code, "--name", "Hệ thống thử",
         "--agency", "Sở Tư pháp", "--scopes", "dossier-status", "--rate", str(LIMIT)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    client_id = re.search(r"client_id=(\S+)", run.stdout).group(1)
    secret = re.search(r"client_secret=(\S+)", run.stdout).group(1)
    return code, client_id, secret


def logged(url: str, code: str) -> int:
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return int(db.execute(LOGGED.replace("%s", "?"), [code]).fetchone()[0])
        finally:
            db.close()
    with connection.cursor() as cursor:
        cursor.execute(LOGGED, [code])
        return int(cursor.fetchone()[0])


# marked so that the test database is made even when this file runs alone (the
# servers must never be given the main one)
@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_to_two_servers_never_pass_the_limit(database_url, tmp_path):  # noqa: F811 - the fixture
    env = server_env(tmp_path, database_url)
    with two_servers(tmp_path, env) as urls:
        for _attempt in range(3):
            code, client_id, secret = create_consumer(env)
            got = httpx.post(f"{urls[0]}/api/v1/sharing/token", timeout=30,
                             data={"grant_type": "client_credentials"},
                             auth=(client_id, secret))
            assert got.status_code == 200, got.text
            headers = {"Authorization": f"Bearer {got.json()['access_token']}",
                       "X-Purpose": "Kiem tra tinh trang", "X-Officer": "hong"}
            minute = time.time() // 60

            def call(i: int, headers=headers) -> int:
                # a code no dossier has: answered 404 and logged, or refused (429), unlogged
                return httpx.get(f"{urls[i % 2]}/api/v1/sharing/dossiers/000.01.20.H40-"
                                 f"261116-{i:04d}", headers=headers, timeout=30).status_code

            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(call, range(6 * LIMIT)))
            if time.time() // 60 == minute:
                assert set(statuses) == {404, 429}, statuses
                assert statuses.count(404) == LIMIT  # not 2× (per server) or more (races)
                assert logged(database_url, code) == LIMIT
                return
    pytest.fail("three minute boundaries in a row")
