"""Numbers a database cannot hold, bodies a parser cannot walk, addresses a route cannot
carry: each gets a clear 4xx, never a server error (issue 9)."""

import pytest

pytestmark = pytest.mark.django_db
HUGE = "9223372036854775808"  # 2^63: one more than a PostgreSQL bigint holds


def problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/agencies", "/api/v1/sectors",
                                  "/api/v1/procedures"])
@pytest.mark.parametrize("param", ["limit", "offset"])
def test_a_page_number_too_large_for_the_database_is_refused(client, org, path, param):
    body = problem(client.get(path, {param: HUGE}), 400)
    assert body["code"] == param and "0" in body["detail"]
    problem(client.get(path, {param: "-1"}), 400)
    problem(client.get(path, {param: "abc"}), 400)


def test_a_page_is_never_larger_than_the_documented_maximum(client, org, settings):
    settings.API_MAX_PAGE_SIZE = 2
    page = client.get("/api/v1/units", {"limit": "100000"}).json()
    assert page["count"] > 2 and len(page["results"]) == 2


def test_list_filters_out_of_range_are_refused(client, api, org):
    problem(client.get("/api/v1/procedures", {"sector": HUGE}), 400)
    api.force_authenticate(org.officer_a)
    body = problem(api.get("/api/v1/dossiers", {"status": HUGE}), 400)
    assert body["code"] == "status"
    problem(api.get("/api/v1/dossiers", {"status": "2,11"}), 400)
    assert api.get("/api/v1/dossiers", {"status": "2,4"}).status_code == 200


def test_json_nested_too_deep_is_a_bad_request(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    problem(response, 400)


def test_a_slash_in_a_tracked_code_finds_nothing(client):
    response = client.get("/tra-cuu/", {"code": "a/b"})
    assert response.status_code == 404
    assert "a/b" in response.content.decode()
