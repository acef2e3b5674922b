from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog.actions import publish_version
from motcua.catalog.models import Procedure, Sector
from motcua.catalog.tests.conftest import START
from motcua.tests.builders import build_procedure

LIST = "/api/v1/procedures"


def detail(ref: str) -> str:
    return f"/api/v1/procedures/{ref}"


def result_codes(response) -> list[str | None]:
    return [item["code"] for item in response.json()["results"]]


def test_list_is_public_and_paginated(api, catalog):
    response = api.get(LIST, {"limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 37 and len(body["results"]) == 10 and body["next"]
    assert result_codes(response) == sorted(result_codes(response))


def test_list_item_shape(api, catalog):
    item = api.get(LIST, {"q": "1.001193"}).json()["results"][0]
    assert item == {
        "id": Procedure.objects.get(code="1.001193").pk,
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "sector": {"id": Sector.objects.get(name="Hộ tịch (Tư pháp)").pk,
                   "name": "Hộ tịch (Tư pháp)"},
        "level": "commune",
        "duration": {"value": 1, "unit": "same_day", "text": item["duration"]["text"]},
        "online_level": "partial",
        "fee_total_vnd": 0,  # free: the copy of the certificate ('?') only if asked for
    }
    assert item["duration"]["text"].startswith("Cổng DVCQG 2026")


def test_fee_total_when_every_amount_is_known(api, catalog):
    by_code = {i["code"]: i for i in api.get(LIST, {"limit": 100}).json()["results"]}
    assert by_code["2.000635"]["fee_total_vnd"] == 8000
    assert by_code["2.000908"]["fee_total_vnd"] == 0
    assert by_code["1.001776"]["fee_total_vnd"] is None
    assert by_code["1.001612"]["fee_total_vnd"] is None  # 50,000 in person, 150,000 online
    assert by_code["1.001776"]["duration"] == {
        "value": None, "unit": "", "text": by_code["1.001776"]["duration"]["text"]}
    assert by_code[None]["name"].startswith("Cấp mới giấy phép hành nghề")


@pytest.mark.parametrize("q", ["dang ky khai sinh", "Đăng ký khai sinh"])
def test_list_search(api, catalog, q):
    codes = result_codes(api.get(LIST, {"q": q}))
    assert "1.001193" in codes and "1.000656" not in codes


def test_list_search_no_match(api, catalog):
    body = api.get(LIST, {"q": "không có thủ tục này"}).json()
    assert body["count"] == 0 and body["results"] == []


def test_list_filters(api, catalog):
    police = Sector.objects.get(name="Đăng ký, quản lý cư trú (Công an)")
    codes = result_codes(api.get(LIST, {"sector": police.pk}))
    assert codes == ["1.003197", "1.004194", "1.004222", "1.010038"]

    province = result_codes(api.get(LIST, {"level": "province", "limit": 100}))
    assert {"3.000333", "1.013831", "2.000635"} <= set(province)  # 2.000635: both levels
    assert "1.001193" not in province
    both = result_codes(api.get(LIST, {"level": "both"}))
    assert both == ["1.013067", "2.000635", "2.000908"]

    assert api.get(LIST, {"online_level": "full"}).json()["count"] == 0
    assert api.get(LIST, {"online_level": "partial"}).json()["count"] == 37
    combined = result_codes(api.get(LIST, {"q": "khai sinh", "level": "commune",
                                           "online_level": "partial"}))
    assert "1.001193" in combined


def test_online_level_filter_uses_the_version_in_force(api, catalog):
    later = Procedure.objects.get(code="1.001193")
    publish_version(later, changes={"online_level": "full"},
                    effective_from=dt.date(2099, 1, 1), actor=None)
    now = Procedure.objects.get(code="1.000656")
    publish_version(now, changes={"online_level": "full"},
                    effective_from=timezone.localdate(), actor=None)
    assert result_codes(api.get(LIST, {"online_level": "full"})) == ["1.000656"]
    assert "1.001193" in result_codes(api.get(LIST, {"online_level": "partial", "limit": 100}))


@pytest.mark.parametrize(
    "params",
    [{"level": "district"}, {"online_level": "total"}, {"sector": "abc"}, {"sector": 0},
     {"q": "x" * 201}],
)
def test_list_bad_filter_is_problem_400(api, catalog, params):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_list_query_count_does_not_grow(api, db, django_assert_max_num_queries):
    build_procedure(code="1.000001")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST, {"limit": 100}).status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    for i in range(2, 40):
        build_procedure(code=f"1.{i:06d}", name=f"Thủ tục {i}")
    assert count_queries() == few
    with django_assert_max_num_queries(4):  # count, procedures+sector, versions, fees
        api.get(LIST, {"limit": 100, "q": "thu tuc", "online_level": "full"})


def test_detail(api, catalog):
    response = api.get(detail("1.001193"))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.001193" and body["name"] == "Thủ tục đăng ký khai sinh"
    assert body["name_en"] == "Birth registration"
    assert body["version"] == {"number": 1, "effective_from": "2025-07-01",
                               "effective_to": None}
    assert body["versions"] == [body["version"]]
    assert body["duration"]["unit"] == "same_day" and body["cutoff"] == "15:00"
    assert len(body["components"]) == 7
    assert body["components"][0]["position"] == 1 and body["components"][0]["form"] == "original"
    # the id is what a submission names as requirement_id
    assert isinstance(body["components"][0]["id"], int)
    assert [(f["amount_vnd"], f["applies"]) for f in body["fees"]] == [
        (0, "any"), (None, "on_request")]
    assert body["fee_total_vnd"] == 0
    assert body["results"].startswith("Giấy khai sinh")
    assert "NĐ 123/2015/NĐ-CP" in body["legal_basis"]
    assert body["publication"] == {"decision_number": "163/QĐ-BTP", "decision_date": None,
                                   "legal_effective_date": None, "made_public_at": None}
    assert body["unconfirmed"] == ["fees[2].amount_vnd"]
    assert "cutoff" in body["confirmed"]
    assert body["source_url"].startswith("https://dichvucong.gov.vn/")
    assert body["handling_agency_kind"] == "commune_pc"
    assert body["is_active"] is True


def test_detail_of_a_procedure_without_a_national_code(api, catalog):
    codeless = Procedure.objects.get(code__isnull=True)
    body = api.get(detail(str(codeless.pk))).json()
    assert body["code"] is None and "code" in body["unconfirmed"]


def test_detail_on_a_day_picks_the_version_in_force(api, catalog):
    procedure = Procedure.objects.get(code="1.004873")
    boundary = dt.date(2026, 3, 1)
    publish_version(procedure, changes={"duration_value": 5}, effective_from=boundary,
                    actor=None)
    before = api.get(detail("1.004873"), {"on": "2026-02-28"}).json()
    after = api.get(detail("1.004873"), {"on": "2026-03-01"}).json()
    assert (before["version"]["number"], before["duration"]["value"]) == (1, 3)
    assert (after["version"]["number"], after["duration"]["value"]) == (2, 5)
    assert after["versions"] == [
        {"number": 1, "effective_from": "2025-07-01", "effective_to": "2026-03-01"},
        {"number": 2, "effective_from": "2026-03-01", "effective_to": None},
    ]
    assert len(after["components"]) == len(before["components"])


def test_detail_unknown_code_is_problem_404(api, catalog):
    for ref in ["9.999999", "not-a-code", "999999"]:
        response = api.get(detail(ref))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] and response.json()["status"] == 404


def test_detail_before_any_version_is_404(api, catalog):
    response = api.get(detail("1.001193"), {"on": (START - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 404
    assert response.json()["code"] == "no_version_in_force"


@pytest.mark.parametrize("on", ["2025-13-01", "01/07/2025", "yesterday", "2025-7-1x"])
def test_detail_bad_on_is_problem_400(api, catalog, on):
    response = api.get(detail("1.001193"), {"on": on})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "on" in response.json()["errors"]


def test_sectors(api, catalog):
    body = api.get("/api/v1/sectors", {"limit": 100}).json()
    assert body["count"] == 15
    by_name = {s["name"]: s for s in body["results"]}
    assert by_name["Hộ tịch (Tư pháp)"]["procedure_count"] == 10
    assert [s["name"] for s in body["results"]] == sorted(by_name)


def test_endpoints_are_in_the_schema(api, db):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"/api/v1/procedures", "/api/v1/procedures/{ref}", "/api/v1/sectors"} <= set(paths)
    item = schema["components"]["schemas"]["ProcedureListItem"]["properties"]
    assert item["fee_total_vnd"]["type"] == "integer"
    assert "ProcedureDetail" in schema["components"]["schemas"]


def test_detail_lists_the_durations_by_case(api, catalog):
    body = api.get(detail("1.000894")).json()
    assert body["duration"]["unit"] == "same_day"
    assert body["duration_cases"] == [{
        "key": "verification", "label": "Cần xác minh điều kiện kết hôn của hai bên nam, nữ",
        "value": 5, "unit": "working_days", "online_value": None,
        "rule": "form_data.can_xac_minh = true",
    }]
    english = api.get(detail("1.000894"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["duration_cases"][0]["label"].startswith("Verification")
    assert api.get(detail("1.001193")).json()["duration_cases"] == []
