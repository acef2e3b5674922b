import pytest


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/v1/calendar/due-date" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_unknown_api_path_is_a_problem_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_fold_makes_search_diacritic_insensitive():
    from motcua.core.text import fold

    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Thủ tục  cấp   Giấy") == "thu tuc cap giay"


def test_mask_name_hides_all_but_the_given_name():
    from motcua.core.text import mask_name

    assert mask_name("Nguyễn Văn An") == "N***** V** An"
    assert mask_name("") == ""


@pytest.mark.django_db
def test_api_docs_page_loads_no_asset_from_a_cdn(client):
    html = client.get("/api/docs/").content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "/static/drf_spectacular_sidecar/" in html
