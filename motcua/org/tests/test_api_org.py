import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org import actions
from motcua.org.importers import load_units
from motcua.org.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def query_count(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_units_filter_by_level_parent_and_folded_name(api):
    load_units()
    response = api.get("/api/v1/units", {"level": "province", "limit": 100})
    body = response.json()
    assert body["count"] == 34 and len(body["results"]) == 34
    assert body["results"][0] == {"code": "01", "name": "Thành phố Hà Nội",
                                  "level": "province",
                                  "division_type": "thành phố trung ương",
                                  "parent_code": None}

    body = api.get("/api/v1/units", {"parent": "37"}).json()
    assert body["count"] == 129 and len(body["results"]) == 50

    body = api.get("/api/v1/units", {"parent": "37", "q": "hoa lu"}).json()
    names = [u["name"] for u in body["results"]]
    assert "Phường Hoa Lư" in names and all("Hoa Lư" in n for n in names)
    assert body["results"][0]["parent_code"] == "37"

    body = api.get("/api/v1/units", {"q": "ĐỊNH"}).json()
    assert any(u["name"] == "Phường Nam Định" for u in body["results"])
    assert api.get("/api/v1/units", {"q": "14329"}).json()["results"][0]["name"] == \
        "Phường Hoa Lư"


def test_units_bad_level_is_a_400_problem(api, db):
    response = api.get("/api/v1/units", {"level": "district"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "level" in response.json()["errors"]


def test_agencies_filter_by_unit_kind_province_and_q(api, org):
    body = api.get("/api/v1/agencies", {"unit": org.commune_a.code}).json()
    assert {a["code"] for a in body["results"]} == {org.pc_a.code, org.center_a.code}

    body = api.get("/api/v1/agencies", {"kind": "commune_center"}).json()
    assert {a["code"] for a in body["results"]} == {org.center_a.code, org.center_b.code}
    assert all(a["receives_dossiers"] for a in body["results"])

    body = api.get("/api/v1/agencies", {"province": org.province.code}).json()
    assert body["count"] == 6

    body = api.get("/api/v1/agencies", {"q": "so tu phap"}).json()
    assert [a["code"] for a in body["results"]] == [org.department.code]
    assert body["results"][0]["unit_code"] == org.province.code

    actions.deactivate_agency(org.department, actor=None)
    assert api.get("/api/v1/agencies", {"q": "tư pháp"}).json()["count"] == 0
    body = api.get("/api/v1/agencies", {"q": "tư pháp", "include_inactive": "true"}).json()
    assert body["results"][0]["is_active"] is False


def test_agency_detail_resolves_former_codes_and_shows_history(api, org):
    old = org.pc_a.code
    at = dt.datetime(2025, 7, 1, 8, tzinfo=dt.UTC)
    actions.change_agency_code(org.pc_a, "000.05.30.H40", at=at, reason="Sáp nhập",
                               actor=None)

    body = api.get(f"/api/v1/agencies/{old}").json()
    assert body["code"] == "000.05.30.H40"
    assert body["requested_code"] == old
    assert body["name"] == org.pc_a.name
    assert body["code_history"] == [{"old_code": old, "new_code": "000.05.30.H40",
                                     "changed_at": "2025-07-01T15:00:00+07:00",
                                     "reason": "Sáp nhập"}]
    assert api.get("/api/v1/agencies/000.05.30.H40").json()["requested_code"] == \
        "000.05.30.H40"

    missing = api.get("/api/v1/agencies/000.99.99.H40")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "agency_not_found"


def test_list_endpoints_use_a_fixed_number_of_queries(api, org):
    units_small = query_count(api, "/api/v1/units?limit=5")
    agencies_small = query_count(api, "/api/v1/agencies?limit=5")
    for n in range(30):
        commune = AdministrativeUnit.objects.create(
            code=f"9{n:04d}", name=f"Xã Thử {n}", level="commune", division_type="xã",
            parent=org.province)
        parent = actions.create_agency(code=f"000.{n + 1:02d}.40.H40", name=f"UBND xã Thử {n}",
                                       kind="commune_pc", unit=commune)
        actions.create_agency(code=f"001.{n + 1:02d}.40.H40", name=f"TT xã Thử {n}",
                              kind="commune_center", unit=commune, parent=parent)
    assert query_count(api, "/api/v1/units?limit=50") == units_small
    assert query_count(api, "/api/v1/agencies?limit=50") == agencies_small
    assert agencies_small <= 2


def test_org_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/auth/logout", "/api/v1/me", "/api/v1/units",
                 "/api/v1/agencies", "/api/v1/agencies/{code}"):
        assert path in paths, path
