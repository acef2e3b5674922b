"""The data-sharing API as another agency's system calls it: credentials, scopes, the rate
limit, the purpose and officer it must declare, what it gets, and the exchange log each
personal-data call leaves (refused calls leave none; unknown and out-of-reach dossiers are
answered alike and logged)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.factories import at, person, received
from motcua.integration.models import ExchangeLogEntry, Scope
from motcua.sharing.tests.conftest import (
    OFFICER,
    PURPOSE,
    bearer,
    declared,
    make_consumer,
    token_of,
)
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db
STATUS = "/api/v1/sharing/dossiers/{}"


def get(client, path, token=None, headers=None, **params):
    extra = {**(bearer(token) if token else {}), **(headers or {})}
    return client.get(path, params, **extra)


def test_without_a_token_the_call_is_401_with_a_bearer_challenge(client, dossier):
    response = get(client, STATUS.format(dossier.code), headers=declared())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert not ExchangeLogEntry.objects.exists()


@pytest.mark.parametrize("authorization", [
    "Bearer not-a-token", "Bearer ", "Token abc", "Basic Zm9vOmJhcg==", "Bearer \u00e9t\u00e9"])
def test_a_wrong_token_is_401(client, dossier, token, authorization):
    response = client.get(STATUS.format(dossier.code), HTTP_AUTHORIZATION=authorization,
                          **declared())
    assert response.status_code == 401, response.content
    assert not ExchangeLogEntry.objects.exists()


def test_a_token_in_the_address_is_refused(client, dossier, token):
    response = client.get(STATUS.format(dossier.code), {"access_token": token}, **declared())
    assert response.status_code == 401


def test_a_revoked_or_deactivated_consumers_token_is_401_at_once(client, dossier, consumer,
                                                                 token):
    from motcua.integration import consumers

    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 200
    consumer.system.is_active = False
    consumer.system.save()
    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 401
    consumer.system.is_active = True
    consumer.system.save()
    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 200
    consumers.revoke_credentials(consumer.system)
    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 401
    assert ExchangeLogEntry.objects.count() == 2  # the two answered calls only


def test_a_service_outside_the_consumers_scopes_is_403_and_not_logged(client, dossier):
    catalogue_only = make_consumer("catalogue-only", scopes=[Scope.CATALOGUE])
    token = token_of(client, catalogue_only)
    assert get(client, "/api/v1/sharing/procedures", token).status_code == 200
    for path in (STATUS.format(dossier.code), STATUS.format(dossier.code) + "/results",
                 "/api/v1/sharing/statistics/index"):
        response = get(client, path, token, declared(), timeType="year", year=2026)
        assert response.status_code == 403, path
        assert response.json()["code"] == "scope_missing"
    assert not ExchangeLogEntry.objects.exists()


def test_a_scope_taken_away_is_refused_even_with_an_older_token(client, dossier, consumer,
                                                               token):
    consumer.system.scopes = Scope.CATALOGUE
    consumer.system.save()  # not through the admin, which would also revoke the tokens
    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 403


@pytest.fixture
def clock(monkeypatch):
    """The rate limit's clock, held at 10:00:15 of some minute (a fake clock: no test waits
    for, or races, the minute's end)."""
    from types import SimpleNamespace

    now = {"t": 1_790_000_000.0 - 1_790_000_000.0 % 60 + 15}
    monkeypatch.setattr("motcua.core.ratelimit.time", SimpleNamespace(time=lambda: now["t"]))
    return now


def test_the_rate_limit_answers_429_with_retry_after_and_logs_nothing(client, dossier, clock):
    limited = make_consumer("limited", rate=3)
    token = token_of(client, limited)
    statuses = [get(client, STATUS.format(dossier.code), token, declared())
                for _ in range(5)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
    refused = statuses[-1]
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert refused["Retry-After"] == "46"  # the minute ends in 45 s
    assert ExchangeLogEntry.objects.count() == 3  # a refused call wrote nothing
    clock["t"] += 45  # the next minute
    assert get(client, STATUS.format(dossier.code), token, declared()).status_code == 200


def test_another_consumer_has_its_own_count(client, dossier):
    one, other = make_consumer("one", rate=1), make_consumer("other", rate=1)
    t1, t2 = token_of(client, one), token_of(client, other)
    assert get(client, STATUS.format(dossier.code), t1, declared()).status_code == 200
    assert get(client, STATUS.format(dossier.code), t2, declared()).status_code == 200


@pytest.mark.parametrize("headers, code", [
    ({}, "purpose_required"),
    ({"HTTP_X_OFFICER": "hong"}, "purpose_required"),
    ({"HTTP_X_PURPOSE": "   ", "HTTP_X_OFFICER": "hong"}, "purpose_required"),
    ({"HTTP_X_PURPOSE": "x"}, "officer_required"),
    ({"HTTP_X_PURPOSE": "x" * 301, "HTTP_X_OFFICER": "hong"}, "purpose_invalid"),
    ({"HTTP_X_PURPOSE": "%FF%FE", "HTTP_X_OFFICER": "hong"}, "purpose_invalid"),
    ({"HTTP_X_PURPOSE": "a%00b", "HTTP_X_OFFICER": "hong"}, "purpose_invalid"),
    ({"HTTP_X_PURPOSE": "x", "HTTP_X_OFFICER": "%E2%80%AEevil"}, "officer_invalid"),
])
def test_a_personal_data_call_must_state_its_purpose_and_officer(client, dossier, token,
                                                                 headers, code):
    for path in (STATUS.format(dossier.code), STATUS.format(dossier.code) + "/results"):
        response = get(client, path, token, headers)
        assert response.status_code == 400, response.content
        assert response.json()["code"] == code
    assert not ExchangeLogEntry.objects.exists()


@pytest.mark.parametrize("code", ["a" * 49, "abc def", "<script>", "ho%2Fso", "'; --"])
def test_a_malformed_code_is_400(client, token, code):
    response = get(client, STATUS.format(code), token, declared())
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert response.json()["code"] == "invalid_code"
    assert not ExchangeLogEntry.objects.filter(outcome="found").exists()


def test_the_status_gives_the_applicant_and_logs_who_asked_what_about_whom(client, dossier,
                                                                          consumer, token):
    response = get(client, STATUS.format(dossier.code), token, declared())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == dossier.code
    assert body["status"] == {"code": 2, "name": "Được tiếp nhận", "portal": "new"}
    assert body["applicant"] == {"kind": "person", "name": "Nguyễn Văn An",
                                 "id_number": "037095001234", "tax_code": ""}
    assert body["receiving_agency"]["code"] == "000.01.20.H40"
    assert body["received_at"] == "2026-11-16T09:00:00+07:00"
    assert "phone" not in str(body) and "email" not in str(body)
    entry = ExchangeLogEntry.objects.get()
    assert (entry.direction, entry.system, entry.consumer, entry.outcome) == (
        "in", "sharing", consumer.system, "found")
    assert (entry.subject_id_number, entry.dossier_code) == ("037095001234", dossier.code)
    assert (entry.purpose, entry.remote_officer) == (PURPOSE, OFFICER)
    assert entry.data == "dossier status, applicant's name, ID number or tax code"
    assert entry.officer is None and entry.at is not None


def test_raw_utf8_headers_are_read_too(client, dossier, token):
    raw = PURPOSE.encode().decode("latin-1")  # how WSGI hands over raw UTF-8 bytes
    response = get(client, STATUS.format(dossier.code), token,
                   {"HTTP_X_PURPOSE": raw, "HTTP_X_OFFICER": "hong"})
    assert response.status_code == 200
    assert ExchangeLogEntry.objects.get().purpose == PURPOSE


def test_an_unknown_code_and_one_out_of_reach_get_the_same_404_and_are_logged(client, org,
                                                                             procedure):
    mine = received(org, procedure, at("09:00 16/11/2026"))
    theirs = received(org, procedure, at("10:00 16/11/2026"), agency=org.center_b,
                      applicant=person("Hoàng Thị Lan", "036198004321",
                                       commune_code=org.commune_b.code))
    assert theirs.receiving_agency_id == org.center_b.pk
    assert theirs.handling_agency_id not in (org.center_a.pk, org.pc_a.pk)
    reach_a = make_consumer("commune-a", agencies=[org.center_a, org.pc_a])
    token = token_of(client, reach_a)
    assert get(client, STATUS.format(mine.code), token, declared()).status_code == 200
    out_of_reach = get(client, STATUS.format(theirs.code), token, declared())
    unknown_code = theirs.code[:-4] + "9999"
    unknown = get(client, STATUS.format(unknown_code), token, declared())
    assert out_of_reach.status_code == unknown.status_code == 404
    assert out_of_reach.content == unknown.content
    assert {k: v for k, v in out_of_reach.items() if k != "Date"} == \
        {k: v for k, v in unknown.items() if k != "Date"}
    for path in ("/results", f"/results/{'0' * 8}-0000-0000-0000-{'0' * 12}.pdf"):
        assert get(client, STATUS.format(theirs.code) + path, token,
                   declared()).content == get(client, STATUS.format(unknown_code) + path, token,
                                              declared()).content
    # the refused question shows to its applicant; the unknown one names nobody
    rows = list(ExchangeLogEntry.objects.order_by("pk").values_list(
        "dossier_code", "subject_id_number", "outcome"))
    assert rows[:3] == [(mine.code, "037095001234", "found"),
                        (theirs.code, "036198004321", "refused"),
                        (unknown_code, "", "not_found")]


def test_the_results_list_and_the_signed_pdf(client, ready_dossier, agency_cert, sandbox,
                                             consumer, token):
    from motcua.records import results

    code = ready_dossier.code
    empty = get(client, STATUS.format(code) + "/results", token, declared())
    assert empty.status_code == 200 and empty.json() == {"code": code, "results": []}
    signed = results.sign_result(ready_dossier.signed_results.get())
    body = get(client, STATUS.format(code) + "/results", token, declared()).json()
    [result] = body["results"]
    assert (result["id"], result["number"], result["sha256"]) == (
        str(signed.public_id), signed.number, signed.sha256)
    assert result["owner"]["id_number"] == "037095001234"
    assert result["verification_url"].endswith(f"/xac-thuc/{signed.public_id}/")
    pdf = client.get(result["file_url"], **bearer(token), **declared())
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    assert data.startswith(b"%PDF") and len(data) == signed.size
    import hashlib
    assert hashlib.sha256(data).hexdigest() == signed.sha256
    other_id = get(client, STATUS.format(code) + f"/results/{'1' * 8}-1111-1111-1111-"
                   f"{'1' * 12}.pdf", token, declared())
    assert other_id.status_code == 404
    logged = list(ExchangeLogEntry.objects.order_by("pk").values_list("operation", "outcome"))
    assert logged == [("results", "found"), ("results", "found"), ("result-file", "found"),
                      ("result-file", "not_found")]


def test_the_catalogue_is_a_page_in_a_fixed_number_of_queries(client, token, procedure):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, "/api/v1/sharing/procedures", token, limit=50)
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for i in range(8):
        build_procedure(code=f"2.00{i:04d}", name=f"Thủ tục thử {i}")
    assert Procedure.objects.count() == 9
    assert queries() == few
    body = get(client, "/api/v1/sharing/procedures", token, q="tinh trang hon nhan").json()
    assert [p["code"] for p in body["results"]] == ["1.004873"]
    detail = get(client, "/api/v1/sharing/procedures/1.004873", token)
    assert detail.status_code == 200 and detail.json()["code"] == "1.004873"
    assert get(client, "/api/v1/sharing/procedures/9.999999", token).status_code == 404
    assert get(client, "/api/v1/sharing/procedures", token, level="x").status_code == 400
    assert not ExchangeLogEntry.objects.exists()  # the catalogue names nobody


def test_the_results_list_costs_the_same_queries_with_more_results(client, org, procedure,
                                                                   token):
    from django.utils import timezone

    from motcua.records.models import ResultDocument

    d = received(org, procedure, at("09:00 16/11/2026"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, STATUS.format(d.code) + "/results", token, declared())
        assert response.status_code == 200
        return len(captured)

    def signed_row(n: int) -> None:
        ResultDocument.objects.create(
            dossier=d, procedure=procedure, kind="certificate", title="Giấy xác nhận",
            number=f"{n}/GCN-UBND", owner_name=d.applicant_name,
            owner_id_number=d.applicant_id_number, issued_at=timezone.now(),
            signer_agency=org.pc_a, state="signed", sha256="0" * 64, size=1,
            signed_at=timezone.now())

    signed_row(1)
    one = queries()
    for n in range(2, 6):
        signed_row(n)
    assert queries() == one
    assert len(get(client, STATUS.format(d.code) + "/results", token,
                   declared()).json()["results"]) == 5


def test_the_statistics_are_the_reporting_apps_figures(client, api, org, procedure, token):
    from motcua.tests.builders import staff

    received(org, procedure, at("09:00 02/03/2026"))
    march = {"timeType": "month", "year": 2026, "month": 3}
    shared = get(client, "/api/v1/sharing/statistics/index", token, **march)
    assert shared.status_code == 200, shared.content
    auditor = staff("auditor", "Lương Thị Thanh", org.department, "auditor")
    api.force_authenticate(auditor)
    own = api.get("/api/v1/index", march).json()
    strip = lambda body: {**body, "data": {k: v for k, v in body["data"].items()  # noqa: E731
                                           if k != "evaluatedAt"}}
    assert strip(shared.json()) == strip(own)
    table = get(client, "/api/v1/sharing/statistics/intake", token, **march)
    assert table.status_code == 200 and table.json()["code"] == "intake"
    for named in ("late-dossiers", "late-officers", "due", "nope"):
        assert get(client, f"/api/v1/sharing/statistics/{named}", token,
                   **march).status_code == 404
    assert get(client, "/api/v1/sharing/statistics/index", token,
               timeType="month", year=2026, month=13).status_code == 400
    assert get(client, "/api/v1/sharing/statistics/intake", token, **march,
               limit=0).status_code == 400
    assert not ExchangeLogEntry.objects.exists()  # counts name nobody


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_service_changes_anything(client, dossier, token, method):
    get(client, STATUS.format(dossier.code), token, declared())
    entry = ExchangeLogEntry.objects.get()
    for path in (STATUS.format(dossier.code), STATUS.format(dossier.code) + "/results",
                 "/api/v1/sharing/procedures", "/api/v1/sharing/statistics/index"):
        response = getattr(client, method)(path, {"purpose": "x"},
                                           content_type="application/json",
                                           **bearer(token), **declared())
        assert response.status_code == 405, (path, response.status_code)
    assert list(ExchangeLogEntry.objects.values_list("pk", "purpose")) == [
        (entry.pk, PURPOSE)]


@pytest.mark.parametrize("param, value", [("limit", "9223372036854775808"), ("offset", "-1"),
                                          ("limit", "abc")])
def test_a_page_number_the_database_cannot_hold_is_400(client, token, param, value):
    response = get(client, "/api/v1/sharing/procedures", token, **{param: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
