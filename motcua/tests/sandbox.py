"""The sandbox of national systems in the tests: one real server per test process, over HTTP.

`sandbox` (function scope) gives a `Sandbox` whose `url` the product's settings point at
(NATIONAL_SANDBOX_URL) for the test; the fault rules are cleared after each test. The server is
started once per test process (session scope) with its own SQLite database in a temporary
folder, migrated and seeded like `make run`'s.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Sandbox:
    url: str
    process: subprocess.Popen[bytes]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.url + path, timeout=10, **kwargs)

    def fault(self, path: str, kind: str, **rule: Any) -> dict[str, Any]:
        """Makes the sandbox misbehave on `path` (see sandbox/README.md for the kinds)."""
        response = self.post("/_faults/", json={"path": path, "kind": kind, **rule})
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def clear_faults(self) -> None:
        httpx.delete(self.url + "/_faults/", timeout=10).raise_for_status()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    folder = tempfile.mkdtemp(prefix="motcua-sandbox-")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SANDBOX_VAR_DIR": folder, "SANDBOX_PUBLIC_URL": url,
           "DJANGO_SETTINGS_MODULE": "sandbox.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "sandbox" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_sandbox"], env=env, check=True, cwd=ROOT)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "sandbox.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                pytest.fail("the sandbox server did not start (see its output above)")
            time.sleep(0.1)
        else:
            pytest.fail("the sandbox server did not answer /healthz within 30 s")
        yield Sandbox(url=url, process=process)
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sandbox(sandbox_server: Sandbox, settings: Any) -> Iterator[Sandbox]:
    settings.NATIONAL_SANDBOX_URL = sandbox_server.url
    sandbox_server.clear_faults()
    yield sandbox_server
    sandbox_server.clear_faults()
