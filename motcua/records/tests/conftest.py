"""A counter dossier with a paper birth certificate, and helpers to digitize it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.models import ComponentRequirement
from motcua.dossiers import actions
from motcua.dossiers.tests.factories import submission
from motcua.records import digitization
from motcua.tests.builders import pdf_bytes

BIRTH = "Giấy khai sinh (bản sao)"


@pytest.fixture
def birth_requirement(procedure):
    version = procedure.versions.get()
    return ComponentRequirement.objects.create(version=version, position=3, name=BIRTH,
                                               required=False, form="copy")


def counter_dossier(org, procedure, requirement, *, id_number: str | None = None):
    """Received at center A for the org's citizen, with the birth certificate on paper."""
    from motcua.dossiers.tests.factories import person
    applicant = person(name=org.citizen.full_name,
                       id_number=id_number or org.citizen.national_id,
                       commune_code=org.commune_a.code)
    components = [actions.ComponentInput(requirement_id=r.id, is_paper=True)
                  for r in procedure.versions.get().components.filter(required=True)]
    components.append(actions.ComponentInput(requirement_id=requirement.id, is_paper=True))
    return actions.intake_at_counter(
        submission(org, procedure, channel=1, applicant=applicant, components=components),
        officer=org.officer_a)


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
