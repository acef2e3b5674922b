"""A procedure's page: everything DOMAIN.md §3 calls public, what was published as "?" shown
as not confirmed, never invented; money in VND."""

import re

import pytest

from motcua.catalog.models import Procedure

pytestmark = pytest.mark.django_db


def page(client, ref: str) -> str:
    response = client.get(f"/thu-tuc/{ref}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_parts_of_a_procedure(client, catalogue):
    html = page(client, "1.001193")
    assert '<h1 class="govuk-heading-l" lang="vi">Thủ tục đăng ký khai sinh</h1>' in html
    for shown in ("1.001193", "Hộ tịch (Tư pháp)", "Cấp xã", "Trực tuyến một phần",
                  "Trong ngày làm việc", "Hồ sơ nhận sau 15:00", "Thành phần hồ sơ",
                  "Giấy chứng sinh", "Bắt buộc", "Nếu có", "Bản chính", "1 bộ",
                  "UBND cấp xã", "Căn cứ pháp lý", "Luật Hộ tịch 60/2014/QH13",
                  "163/QĐ-BTP", "Giấy khai sinh", "Cổng Dịch vụ công quốc gia"):
        assert shown in html, shown


def test_fees_in_vnd_and_unconfirmed_amounts_are_said_so(client, catalogue):
    html = page(client, "1.001193")
    # free: the copy of the certificate (amount not confirmed) is charged only if asked for
    assert re.search(r"Phí, lệ phí</dt>\s*<dd[^>]*>Miễn phí\s*</dd>", html)
    assert "chưa xác nhận" in html and "Chỉ khi người nộp yêu cầu" in html
    html = page(client, "1.000656")
    assert html.count(">chưa xác nhận</strong>") >= 2  # a fee not published: the total too
    html = page(client, "1.001612")  # one line per channel: never their sum
    assert "200.000" not in html
    assert "50.000 ₫</span> khi nộp trực tiếp; <span class=\"motcua-nowrap\">150.000 ₫</span> " \
           "khi nộp trực tuyến hoặc qua bưu chính" in html


def test_an_unconfirmed_duration_is_not_invented(client, catalogue):
    version = Procedure.objects.get(code="1.000689").versions.get()
    assert version.duration_value is None
    html = page(client, "1.000689")
    assert "Thời hạn giải quyết" in html and ">chưa xác nhận</strong>" in html


def test_a_procedure_without_a_national_code_is_reached_by_its_id(client, catalogue):
    procedure = Procedure.objects.get(code__isnull=True)
    html = page(client, str(procedure.pk))
    assert "Mã thủ tục" in html and ">chưa xác nhận</strong>" in html


def test_durations_by_case(client, catalogue):
    html = page(client, "1.000894")  # marriage: the same day, or 5 working days to verify
    assert "Thời hạn theo trường hợp" in html and "5 ngày làm việc" in html


def test_unknown_code_is_404_in_the_layout(client, catalogue):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()
    assert client.get("/thu-tuc/abc/").status_code == 404


def test_english(client, catalogue):
    client.cookies["django_language"] = "en"
    html = page(client, "1.001193")
    assert "<h1 class=\"govuk-heading-l\">Birth registration</h1>" in html
    assert '<p class="govuk-body-l" lang="vi">Thủ tục đăng ký khai sinh</p>' in html
    assert "What to submit" in html and "Free" in html and "not confirmed" in html
