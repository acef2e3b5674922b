"""404 and 500 in the site's layout (the API keeps its problem+json)."""

import pytest
from django.test import Client
from django.urls import path

from motcua import urls as root_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *root_urls.urlpatterns]
handler404 = root_urls.handler404
handler500 = root_urls.handler500


def test_an_unknown_page_gets_the_404_page_in_the_layout(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'class="govuk-skip-link"' in html
    assert 'href="/tra-cuu/"' in html


def test_the_api_keeps_problem_json_for_unknown_addresses(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_bug_gets_the_500_page_in_the_layout(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Xin lỗi, hệ thống đang gặp sự cố" in html
    assert '<link rel="stylesheet" href="/static/web/build/motcua.css">' in html
    assert "setlang" not in html  # no CSRF token without a request: no language form
