"""The whole API fuzzed from its own OpenAPI schema (schemathesis), over real HTTP against the
live app on PostgreSQL, as a staff member and as a citizen (issue 9, "A guard that stays"),
and the data-sharing API as a consumer system (issue 12).

Every answer must be no server error, with a status, a content type and a body that the schema
documents for the operation. Each generated request is sent twice, with the staff member's
token and with the citizen's (a public operation's once, without a token; a data-sharing
operation's with, and without, a consumer system's bearer token). The schema served
is the one under test; the test only adds, as examples of the path parameters, the codes and
ids of the objects it made, so that some requests find them. Generation is seeded and
derandomized with few examples an operation: the run is the same every time, and short.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import json
import urllib.request

import pypdf
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.dossiers import actions
from motcua.dossiers.models import DossierFile
from motcua.dossiers.tests.factories import at, online, received
from motcua.integration import consumers
from motcua.integration.models import Scope
from motcua.notifications.models import Notification
from motcua.org.models import Role, StaffRole
from motcua.petitions.actions import file_petition
from motcua.petitions.models import Topic
from motcua.processing.models import StepInstance
from motcua.processing.publishing import publish_process
from motcua.tests.builders import build_org, build_procedure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
SETTINGS = {
    "seed": 2026,
    # no example database: nothing from an earlier run changes what this one sends
    "generation": {"deterministic": True, "max-examples": 30, "database": "none"},
    # the explicit examples and random fuzzing; the coverage phase (every boundary of every
    # parameter, ~2,000 more cases) and stateful sequences would take minutes
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}
PROCESS = {
    "procedure": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "steps": [
        {"key": "check", "name": "Thẩm định hồ sơ", "role": "specialist", "agency": "competent",
         "hours": 8, "actions": {"forward": "approve", "request_supplement": None,
                                 "refuse": None}},
        {"key": "approve", "name": "Phê duyệt", "role": "head", "agency": "competent",
         "hours": 4, "actions": {"approve": "deliver", "return": "check", "refuse": None}},
        {"key": "deliver", "name": "Trả kết quả", "role": "one_stop_officer",
         "agency": "receiving", "hours": 4, "actions": {"finish": None}},
    ],
}


def a_pdf() -> bytes:
    """A real one-page PDF, as the upload checks open it."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def world(live_server, settings, tmp_path):
    """A province, a procedure with an internal process, a dossier submitted online by the
    citizen (with a file) and one received at the counter (its first step open). The staff
    member is the receiving center's one-stop officer and a head of the competent agency."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 0  # no 429 that depends on the clock's minute
    org = build_org()
    procedure = build_procedure()
    publish_process(procedure, copy.deepcopy(PROCESS), effective_from=dt.date(2025, 7, 1))
    StaffRole.objects.create(user=org.officer_a, agency=org.pc_a, role=Role.HEAD)
    mine = online(org, procedure, at("09:00 16/11/2026"))
    actions.perform(mine, "attach_file", org.citizen,
                    upload=SimpleUploadedFile("to-khai.pdf", a_pdf(), "application/pdf"))
    counter = received(org, procedure, at("10:00 16/11/2026"))
    petition = file_petition(org.citizen, text="Phản ánh", topic=Topic.RULES, dossier=mine)
    examples = {
        "/api/v1/petitions/{petition_id}": {"petition_id": [petition.pk]},
        "/api/v1/dossiers/{code}": {"code": [mine.code, counter.code]},
        "/api/v1/tracking/{code}": {"code": [mine.code]},
        "/api/v1/sharing/dossiers/{code}": {"code": [mine.code, counter.code]},
        "/api/v1/sharing/procedures/{ref}": {"ref": [procedure.code]},
        "/api/v1/agencies/{code}": {"code": [org.center_a.code]},
        "/api/v1/worklist/unit/{code}": {"code": [org.pc_a.code]},
        "/api/v1/procedures/{ref}": {"ref": [procedure.code]},
        "/api/v1/steps/{step_id}": {"step_id": [StepInstance.objects.get().pk]},
        "/api/v1/notifications/{notification_id}": {
            "notification_id": list(Notification.objects.values_list("pk", flat=True)[:2])},
        "{file_id}": {"file_id": list(DossierFile.objects.values_list("pk", flat=True))},
    }
    _consumer, credentials = consumers.create_consumer(
        code="fuzz", name="Hệ thống thử", agency_name="Sở Tư pháp", scopes=Scope.values,
        rate_limit_per_minute=100_000)
    got = urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - the live server
        f"{live_server.url}/api/v1/sharing/token", data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + base64.b64encode(
            f"{credentials.client_id}:{credentials.client_secret}".encode()).decode()}),
        timeout=30)
    examples["bearer"] = json.load(got)["access_token"]
    return org, examples


def with_examples(spec: dict, examples: dict) -> dict:
    """`spec` with the given values as examples of the path parameters, by part of the path."""
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                for prefix, values in examples.items():
                    if not isinstance(values, dict):
                        continue
                    found = values.get(parameter["name"])
                    if parameter["in"] == "path" and found and prefix in path:
                        parameter["examples"] = {str(i): {"value": v}
                                                 for i, v in enumerate(found)}
    return spec


@pytest.fixture
def api_schema(live_server, world):
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=30) as got:
        spec = json.load(got)
    return schemathesis.openapi.from_dict(with_examples(spec, world[1]),
                                          config=schemathesis.Config.from_dict(SETTINGS))


schema = schemathesis.pytest.from_fixture("api_schema")


def token(user) -> str:
    """The user's API token, made again if the fuzzer signed out (which deletes it)."""
    key = f"fuzz-{user.username}".ljust(40, "0")[:40]
    if not Token.objects.filter(key=key).exists():
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=key)
    return key


@schema.parametrize()
def test_the_api_answers_staff_and_citizens_as_its_schema_says(case, world, live_server):
    org, examples = world
    callers = [("staff", org.officer_a), ("citizen", org.citizen)]
    security = case.operation.definition.raw.get("security", [{}])
    if not any(security):
        callers = [("anonymous", None)]  # a public operation, which reads no token
    elif any("oauth2" in s for s in security):
        callers = [("consumer system", None), ("staff", org.officer_a)]
    for role, user in callers:
        headers = {"Authorization": f"Token {token(user)}"} if user else {}
        if role == "consumer system":
            headers = {"Authorization": f"Bearer {examples['bearer']}"}
        try:
            case.call_and_validate(base_url=live_server.url, checks=CHECKS, headers=headers)
        except FailureGroup as failure:  # its report hides the token: say whose it was
            raise AssertionError(f"Sent as the {role}. {failure}") from None
