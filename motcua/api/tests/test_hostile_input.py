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


@pytest.mark.parametrize("path", ["/api/v1/notifications", "/api/v1/dossiers"])
@pytest.mark.parametrize("param", ["limit", "offset"])
def test_a_page_number_too_large_for_the_database_is_refused_on_signed_in_lists(api, org, path,
                                                                              param):
    api.force_authenticate(org.citizen)
    body = problem(api.get(path, {param: HUGE}), 400)
    assert body["code"] == param


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


def test_json_nested_too_deep_is_a_bad_request(client, api, org):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    problem(response, 400)
    api.force_authenticate(org.citizen)  # and on any JSON endpoint
    nested = '{"form_data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    problem(api.post("/api/v1/dossiers", nested, content_type="application/json"), 400)


def test_a_slash_in_a_tracked_code_finds_nothing(client):
    response = client.get("/tra-cuu/", {"code": "a/b"})
    assert response.status_code == 404
    assert "a/b" in response.content.decode()


def submission_body(org, procedure, **over):
    from motcua.dossiers.tests.test_api import payload

    return payload(org, procedure, **over)


@pytest.mark.parametrize("form_data", [{"ghi_chu": "\udfff"}, {"ghi_chu": "a\x00b"},
                                       {"\udfff": "x"}])
def test_form_data_that_cannot_be_stored_is_refused_on_both_databases(api, org, procedure,
                                                                      form_data):
    import json

    from motcua.dossiers.models import Dossier

    api.force_authenticate(org.citizen)
    # as a client would send it: the JSON escape "\udfff" is valid ASCII
    raw = json.dumps(submission_body(org, procedure, form_data=form_data))
    response = api.post("/api/v1/dossiers", raw, content_type="application/json")
    problem(response, 400)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("form_data", [{"ghi_chu": "\udfff"}, {"ghi_chu": "a\x00b"}])
def test_form_data_that_cannot_be_stored_is_refused_at_the_counter_too(api, org, procedure,
                                                                       form_data):
    import json

    from motcua.dossiers.models import Dossier

    api.force_authenticate(org.officer_a)
    raw = json.dumps(submission_body(org, procedure, form_data=form_data, decision="receive"))
    response = api.post("/api/v1/counter/dossiers", raw, content_type="application/json")
    problem(response, 400)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("url", [
    "/api/v1/dossiers?q=%00", "/api/v1/dossiers?procedure=a%00b", "/api/v1/dispatch?agency=%00",
    "/api/v1/dossiers/a%00b", "/api/v1/dossiers/a%00b/steps", "/api/v1/dossiers/a%00b/slips/01.pdf",
    "/api/v1/agencies/a%00", "/api/v1/worklist/unit/%00", "/api/v1/tracking/a%00",
])
def test_a_nul_character_in_the_address_is_refused_before_any_view(api, org, url):
    """A code or a filter with a NUL reached PostgreSQL, which refuses it in a text value: a
    server error there (found by the schema fuzzer); refused on both databases."""
    api.force_authenticate(org.officer_a)
    body = problem(api.get(url), 400)
    assert body["detail"] == "Địa chỉ yêu cầu có ký tự NUL, không mã hay giá trị nào có ký tự này."


def test_a_nul_character_in_a_page_address_is_a_bad_request_page(client, db):
    response = client.get("/tra-cuu/", {"code": "a\x00b"})
    assert response.status_code == 400
    assert "html" in response["Content-Type"]


def test_another_method_on_the_public_tracking_is_a_problem_too(client):
    """The tracking lookup is a plain Django view (for speed); its 405 was an empty HTML page
    unlike every other API answer."""
    body = problem(client.post("/api/v1/tracking/000.01.20.H40-261116-0001"), 405)
    assert body["code"] == "method_not_allowed" and "POST" in body["detail"]
    assert client.delete("/api/v1/tracking/x")["Allow"] == "GET, HEAD"


def test_a_name_with_a_direction_override_or_only_invisible_characters_is_refused(
        api, org, procedure):
    from motcua.dossiers.models import Dossier

    api.force_authenticate(org.citizen)
    for name in ("Nguyễn \u202eAn", "\u200b\u200b"):
        body = submission_body(org, procedure)
        body["applicant"] = {**body["applicant"], "name": name}
        problem(api.post("/api/v1/dossiers", body, format="json"), 400)
    assert not Dossier.objects.exists()


def test_a_refusal_reason_of_zero_width_spaces_is_refused(api, org, procedure):
    from motcua.dossiers.models import DossierEvent, Letter
    from motcua.dossiers.tests.factories import at, online

    d = online(org, procedure, at("09:00 16/11/2026"))
    before = (DossierEvent.objects.count(), Letter.objects.count())
    api.force_authenticate(org.officer_a)
    response = api.post(f"/api/v1/dossiers/{d.code}/actions/refuse",
                        {"reason": "\u200b\u200b\u200b"}, format="json")
    problem(response, 400)
    d.refresh_from_db()
    assert d.status == 1 and (DossierEvent.objects.count(), Letter.objects.count()) == before


def test_a_persons_tax_code_is_checked_like_an_organisations(api, org, procedure):
    from motcua.dossiers.models import Dossier

    api.force_authenticate(org.citizen)
    body = submission_body(org, procedure)
    body["applicant"] = {**body["applicant"], "tax_code": "123"}
    assert problem(api.post("/api/v1/dossiers", body, format="json"), 400)["code"] == \
        "applicant_tax_code"
    assert not Dossier.objects.exists()


def test_a_body_over_the_size_limit_gets_a_problem_not_an_html_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/auth/token", data='{"username": "' + "a" * 5000 + '"}',
                           content_type="application/json")
    body = problem(response, 400)
    assert body["detail"] == "Nội dung yêu cầu quá lớn."


def test_parser_errors_are_in_vietnamese_without_python_words(client):
    broken = problem(client.post("/api/v1/auth/token", data="{",
                                 content_type="application/json"), 400)
    assert broken["detail"] == "Nội dung không phải JSON hợp lệ."
    digits = problem(client.post("/api/v1/auth/token", data='{"a": ' + "9" * 5000 + "}",
                                 content_type="application/json"), 400)
    assert "sys." not in digits["detail"] and "chữ số" in digits["detail"]


def test_a_json_null_body_is_refused_in_the_users_language(api, org):
    """DRF's "No data provided" never goes through gettext: it is put into words here."""
    api.force_authenticate(org.officer_a)
    for path in ("/api/v1/auth/token", "/api/v1/counter/dossiers"):
        body = problem(api.post(path, data="null", content_type="application/json"), 400)
        text = str(body["errors"])
        assert "No data provided" not in text and "JSON" in text, (path, text)


def test_api_answers_are_not_cached_and_pages_deny_unused_browser_features(client, org):
    api = client.get("/api/v1/units")
    assert api["Cache-Control"] == "no-store"
    assert "camera=()" in api["Permissions-Policy"]
    page = client.get("/tra-cuu/")
    assert "geolocation=()" in page["Permissions-Policy"]
