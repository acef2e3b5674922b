"""The index API as a reporting system and the units' leaders use it: the portal's shape, who
may read what (refused cases included), bad input in Vietnamese, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Agency, Role, User
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db

MARCH = {"timeType": "month", "year": 2026, "month": 3}


@pytest.fixture
def dossiers(org, procedure):
    d = received(org, procedure, at("09:00 02/03/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 02/03/2026"))
    actions.perform(d, "mark_result_ready", org.specialist_a, now=at("10:00 03/03/2026"))
    received(org, procedure, at("09:00 23/03/2026"))  # overdue at the end of March
    return d


@pytest.fixture
def head_a(org):
    return staff("head.a", "Đỗ Minh Châu", org.pc_a, Role.HEAD)


def get(api, user, path="/api/v1/index", **params):
    if user is not None:
        api.force_authenticate(user)
    return api.get(path, params)


def test_a_head_reads_the_commune_index_in_the_portals_shape(api, org, dossiers, head_a):
    response = get(api, head_a, **MARCH, rootDepartmentId=org.commune_a.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["code"], body["message"]) == ("OK", "")
    data = body["data"]
    assert (data["timeType"], data["year"], data["month"], data["quarter"]) == (
        "month", 2026, 3, None)
    assert (data["fromDate"], data["toDate"]) == ("2026-03-01", "2026-03-31")
    assert data["unit"] == {"type": "commune", "code": org.commune_a.code,
                            "name": org.commune_a.name}
    metrics = {m["code"]: m for m in data["metrics"]}
    assert len(metrics) == 21
    on_time = metrics["2.1"]
    # 1 finished early of 2 received (the other overdue at the end of March): 20 × 0.5
    assert {k: on_time[k] for k in ("numerator", "denominator", "ratio", "score", "maxScore")} \
        == {"numerator": 1, "denominator": 2, "ratio": 0.5, "score": 10.0, "maxScore": 20}
    assert on_time["name"] == "Hồ sơ giải quyết đúng hạn"  # Vietnamese by default
    # nothing finished with a result yet: 4.2 has nothing to judge (collected, no score)
    assert metrics["4.2"]["status"] == "no_score" and not metrics["4.2"]["missing"]
    assert metrics["4.2"]["score"] is None
    assert not [m["code"] for m in metrics.values() if m["status"] == "no_data"]
    # no fee-bearing procedure: nothing to judge for online payment (collected, no score)
    assert metrics["3.6"]["status"] == "no_score" and not metrics["3.6"]["missing"]
    assert [g["code"] for g in data["groups"]] == [
        "transparency", "progress", "online_service", "online_payment", "digitization",
        "satisfaction"]
    assert data["totalMaxScore"] == 100
    assert data["dossiers"]["openOverdue"] == 1
    assert {s["code"] for s in data["statistics"]} == {
        "2.2", "channel.counter", "channel.postal", "channel.online"}
    # 2.2 per procedure: the one finished, 09:00 02/03 → 10:00 03/03 = 9 working hours
    assert data["processingTimes"] == [{
        "procedureCode": "1.004873", "procedureName": dossiers.procedure.name, "ended": 1,
        "averageWorkingDays": round(9 / 8, 2)}]


def test_in_english_and_one_group_at_a_time(api, org, dossiers, head_a):
    api.force_authenticate(head_a)
    response = api.get("/api/v1/index", {**MARCH, "rootDepartmentId": org.pc_a.code,
                                         "group": "progress"}, HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()["data"]
    assert [m["code"] for m in data["metrics"]] == ["2.1"]
    assert data["metrics"][0]["name"] == "Dossiers handled on time"
    assert [g["code"] for g in data["groups"]] == ["progress"]
    assert data["unit"]["type"] == "agency"


def test_an_old_agency_code_still_names_the_unit(api, org, dossiers, head_a):
    org.pc_a.code_history.create(old_code="000.01.99.H40", new_code=org.pc_a.code,
                                 changed_at=timezone.now())
    response = get(api, head_a, **MARCH, rootDepartmentId="000.01.99.H40")
    assert response.status_code == 200
    assert response.json()["data"]["unit"]["code"] == org.pc_a.code


def test_who_may_read_which_index(api, org, dossiers, head_a):
    commune_b = {**MARCH, "rootDepartmentId": org.commune_b.code}
    province = dict(MARCH)
    # a head of commune A's People's Committee: its commune and its agencies, nothing else
    assert get(api, head_a, **MARCH, rootDepartmentId=org.center_a.code).status_code == 200
    assert get(api, head_a, **commune_b).status_code == 403
    assert get(api, head_a, **province).status_code == 403
    # a one-stop officer and a specialist are not heads
    assert get(api, org.officer_a, **MARCH, rootDepartmentId=org.commune_a.code) \
        .status_code == 403
    assert get(api, org.specialist_a, **MARCH, rootDepartmentId=org.pc_a.code) \
        .status_code == 403
    # the province's auditor, and the leader of the provincial People's Committee: all
    province_pc = Agency.objects.create(code="000.00.00.H40", name="UBND tỉnh Ninh Bình",
                                        kind=Agency.Kind.PROVINCE_PC, unit=org.province)
    for user in (staff("auditor", "Vũ Thanh Hà", org.department, Role.AUDITOR),
                 staff("chairman", "Ngô Quang Huy", province_pc, Role.LEADER)):
        assert get(api, user, **province).status_code == 200
        assert get(api, user, **commune_b).status_code == 200
    # a department's leader: the department only
    director = staff("director", "Bùi Thị Thu", org.department, Role.LEADER)
    assert get(api, director, **MARCH, rootDepartmentId=org.department.code).status_code == 200
    assert get(api, director, **province).status_code == 403


def test_a_reporting_system_needs_the_explicit_permission(api, org, dossiers):
    refused = get(api, org.system, **MARCH)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "index_not_allowed"
    org.system.user_permissions.add(Permission.objects.get(codename="view_index"))
    system = User.objects.get(pk=org.system.pk)  # permissions are cached on the instance
    assert get(api, system, **MARCH).status_code == 200
    ranking = get(api, system, "/api/v1/index/ranking", **MARCH)
    assert ranking.status_code == 200


def test_citizens_are_refused_and_anonymous_callers_must_authenticate(api, org, dossiers):
    org.citizen.user_permissions.add(Permission.objects.get(codename="view_index"))
    for path in ("/api/v1/index", "/api/v1/index/ranking", "/api/v1/index/indicators"):
        response = get(api, org.citizen, path, **MARCH)
        assert response.status_code == 403, path
        assert response["Content-Type"] == "application/problem+json"
    api.force_authenticate(None)
    for path in ("/api/v1/index", "/api/v1/index/ranking", "/api/v1/index/indicators"):
        response = api.get(path, MARCH)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Chưa xác thực"


@pytest.mark.parametrize(("params", "field"), [
    ({"year": 2026, "month": 3}, "timeType"),
    ({"timeType": "week", "year": 2026}, "timeType"),
    ({"timeType": "month", "year": 2026}, "month"),
    ({"timeType": "month", "year": 2026, "month": 13}, "month"),
    ({"timeType": "quarter", "year": 2026, "quarter": 5}, "quarter"),
    ({"timeType": "quarter", "year": 2026, "quarter": 1, "month": 2}, "month"),
    ({"timeType": "year", "year": 1999}, "year"),
    ({"timeType": "year", "year": "2026x"}, "year"),
    ({"timeType": "year", "year": 2026, "sectorId": 0}, "sectorId"),
    ({"timeType": "year", "year": 2026, "group": "speed"}, "group"),
])
def test_bad_input_is_400_problem_json_in_vietnamese(api, org, head_a, params, field):
    response = get(api, head_a, **params, rootDepartmentId=org.commune_a.code)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Dữ liệu không hợp lệ"
    assert field in body["errors"]


def test_unknown_units_sectors_and_periods_not_begun_are_400(api, org, head_a):
    for params, code in (
            ({**MARCH, "rootDepartmentId": "999.99.99.H99"}, "rootDepartmentId"),
            ({**MARCH, "sectorId": 987654}, "sectorId"),
            ({"timeType": "year", "year": timezone.now().year + 1}, "period_not_begun")):
        response = get(api, head_a, **params)
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == code
    detail = get(api, head_a, **MARCH, rootDepartmentId="999.99.99.H99").json()["detail"]
    assert detail == "Không có cơ quan hay đơn vị hành chính nào có mã 999.99.99.H99."


def test_the_ranking_is_a_page_of_units(api, org, dossiers, head_a):
    response = get(api, head_a, "/api/v1/index/ranking", **MARCH, limit=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    first = body["results"][0]
    assert first["rank"] == 1 and first["unit"]["type"] == "commune"
    agencies = get(api, head_a, "/api/v1/index/ranking", **MARCH, unitType="agency").json()
    assert {r["unit"]["code"] for r in agencies["results"]} >= {org.pc_a.code, org.pc_b.code}
    assert get(api, org.officer_a, "/api/v1/index/ranking", **MARCH).status_code == 403


def test_the_registry_of_indicators(api, org, head_a):
    body = get(api, head_a, "/api/v1/index/indicators").json()
    assert [g["maxScore"] for g in body["groups"]] == [18, 20, 12, 10, 22, 18]
    codes = [i["code"] for i in body["indicators"]]
    assert codes[:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"] and len(codes) == 21
    caps = {i["code"]: i["fullAt"] for i in body["indicators"] if i["fullAt"]}
    assert caps["3.3"] == 0.5 and caps["5.3"] == 0.9


def test_the_provinces_index_costs_the_same_queries_whatever_the_data(api, org, procedure,
                                                                      head_a):
    auditor = staff("auditor", "Vũ Thanh Hà", org.department, Role.AUDITOR)
    api.force_authenticate(auditor)
    this_month = {"timeType": "month", "year": timezone.localdate().year,
                  "month": timezone.localdate().month}
    api.get("/api/v1/index", this_month)  # the calendar and the user's roles read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/index", this_month).status_code == 200
        return len(ctx)

    few = queries()
    start = timezone.now() - dt.timedelta(days=40)
    for n in range(6):
        received(org, procedure, start + dt.timedelta(days=6 * n))
    many = queries()
    # the province, the caller's roles, 12 reads of the index (2 of them the satisfaction
    # group's: petitions, complained-about dossiers; 3 the online payment group's: the fees,
    # the flow of fee-bearing procedures, the payments)
    assert many == few <= 15


def test_the_schema_documents_the_index_and_its_problems(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/index"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["timeType"]["schema"]["enum"] == ["month", "quarter", "year"]
    assert params["month"]["schema"]["maximum"] == 12
    for status in ("400", "401", "403"):
        assert "application/problem+json" in operation["responses"][status]["content"]
    ranking = schema["paths"]["/api/v1/index/ranking"]["get"]
    assert "limit" in {p["name"] for p in ranking["parameters"]}
