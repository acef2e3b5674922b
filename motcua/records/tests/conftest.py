"""Fixtures of the records tests.

- Digitization: a counter dossier with a paper birth certificate, and helpers to digitize it.
- Signed results: the development CA (made once per test process in its SIGNING_PKI_DIR,
  motcua/tests/environment.py), an agency certificate, a dossier whose result is ready, and the
  tools of the independent check (pdfsig with an NSS database that trusts the development
  root).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.models import ComponentRequirement
from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received, submission
from motcua.org.models import Role
from motcua.records import certificates, digitization
from motcua.tests.builders import pdf_bytes, staff

BIRTH = "Giấy khai sinh (bản sao)"


@pytest.fixture
def birth_requirement(procedure):
    version = procedure.versions.get()
    return ComponentRequirement.objects.create(version=version, position=3, name=BIRTH,
                                               required=False, form="copy")


def counter_dossier(org, procedure, requirement, *, id_number: str | None = None,
                    now: dt.datetime | None = None):
    """Received at center A for the org's citizen (`now`, default now), with the birth
    certificate on paper."""
    from motcua.dossiers.tests.factories import person
    applicant = person(name=org.citizen.full_name,
                       id_number=id_number or org.citizen.national_id,
                       commune_code=org.commune_a.code)
    components = [actions.ComponentInput(requirement_id=r.id, is_paper=True)
                  for r in procedure.versions.get().components.filter(required=True)]
    components.append(actions.ComponentInput(requirement_id=requirement.id, is_paper=True))
    return actions.intake_at_counter(
        submission(org, procedure, channel=1, applicant=applicant, components=components),
        officer=org.officer_a, now=now)


@pytest.fixture
def paper_dossier(org, procedure, birth_requirement):
    return counter_dossier(org, procedure, birth_requirement)


def upload(content: bytes | None = None, name: str = "khai-sinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content,
                              content_type="application/pdf")


def tags(owner_key: str = "", **kw) -> digitization.Tags:
    values = dict(document_type="birth-certificate", owner_key=owner_key,
                  owner_name="Nguyễn Văn An", number="123/2020", issuer="UBND phường Hoa Lư",
                  issued_on=dt.date(2020, 5, 1), valid_until=None)
    values.update(kw)
    return digitization.Tags(**values)


def birth_component(d):
    return d.components.get(name=BIRTH)


def digitize_birth(org, d, **kw):
    kw.setdefault("owner_key", org.citizen.national_id)
    return digitization.digitize(d, birth_component(d).pk, upload(), tags(**kw),
                                 actor=org.officer_a, now=timezone.now())


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
def center_cert(dev_ca, org):
    """The certificate of commune A's public administrative service center, the one-stop unit
    that signs the copies digitized at its counter."""
    return certificates.issue_for(org.center_a)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (1240, 1754), mode: str = "RGB"
                ) -> bytes:
    """A scanned page as an image (an A4 page at 150 dpi by default)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).rectangle((100, 100, 600, 300), outline="black", width=5)
    out = io.BytesIO()
    image.save(out, fmt, dpi=(150, 150))
    return out.getvalue()


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
