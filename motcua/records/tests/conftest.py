"""Fixtures of the signed results' tests: the development CA (made once per test process in
its SIGNING_PKI_DIR, motcua/tests/environment.py), an agency certificate, a dossier whose
result is ready, and the tools of the independent check (pdfsig with an NSS database that
trusts the development root)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role
from motcua.records import certificates
from motcua.tests.builders import staff


@pytest.fixture(scope="session")
def dev_ca() -> certificates.Root:
    root, _made = certificates.ensure_root()
    certificates.ensure_tsa(root)
    return root


@pytest.fixture
def leader(org):
    return staff("leader.a", "Đinh Văn Hải", org.pc_a, Role.LEADER)


@pytest.fixture
def agency_cert(dev_ca, org):
    return certificates.issue_for(org.pc_a)


@pytest.fixture
def ready_dossier(org, procedure, leader):
    """A dossier of commune A whose result the leader has just marked ready (through the
    action): its result document is issued and waits to be signed."""
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    return actions.perform(d, "mark_result_ready", leader, now=at("15:00 18/11/2026"))


@pytest.fixture(scope="session")
def nss_db(dev_ca) -> Path:
    """An NSS database trusting the development root, for pdfsig (poppler-utils)."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-nss-"))
    root_pem = folder / "root.crt"
    root_pem.write_bytes(dev_ca.cert.public_bytes(serialization.Encoding.PEM))
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "motcua-dev-root",
                    "-t", "CT,C,C", "-i", str(root_pem)], check=True)
    return folder


def pdfsig(path: Path, nss: Path) -> str:
    run = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True,
                         text=True, timeout=60)
    return run.stdout + run.stderr
