"""The home page: the catalogue searched without regard to diacritics (catalog.selectors'
rule), filtered by sector, agency and level, paginated, with the entry points."""

import re

import pytest

from motcua.catalog.models import Procedure, Sector
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s motcua-result__title">\s*<a [^>]*>([^<]+)</a>',
                      response.content.decode())


def test_home_is_the_portal_with_its_entry_points(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "37 thủ tục" in html
    assert "Nộp hồ sơ" in html and 'href="/tra-cuu/"' in html and 'href="/ho-so-cua-toi/"' in html
    assert len(names(response)) == 10  # the first page
    assert 'aria-label="Trang 4"' in html  # 37 procedures, 10 a page


@pytest.mark.parametrize("q", ["dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH"])
def test_the_search_ignores_diacritics(client, catalogue, q):
    response = client.get("/", {"q": q})
    assert "Thủ tục đăng ký khai sinh" in names(response)
    assert "Thủ tục đăng ký khai tử" not in names(response)
    assert "thủ tục phù hợp" in response.content.decode()


def facts(response, label: str) -> set[str]:
    return set(re.findall(rf"<dt>{label}</dt><dd[^>]*>([^<]+)</dd>",
                          response.content.decode()))


def test_filters_by_sector_agency_and_level(client, catalogue):
    civil = Sector.objects.get(name="Hộ tịch (Tư pháp)")
    by_sector = client.get("/", {"sector": civil.pk, "page": 2})
    assert facts(by_sector, "Lĩnh vực") == {"Hộ tịch (Tư pháp)"}
    count = Procedure.objects.filter(sector=civil).count()
    assert f"{count} thủ tục phù hợp" in by_sector.content.decode()
    # Handled by a sector agency (the police): residence, ID cards, judicial records...
    police = client.get("/", {"agency": "sector"})
    assert "8 thủ tục phù hợp" in police.content.decode()
    assert "Hộ tịch (Tư pháp)" not in facts(police, "Lĩnh vực")
    province = client.get("/", {"level": "province"})
    assert facts(province, "Cấp thực hiện") <= {"Cấp tỉnh", "Cấp tỉnh và cấp xã"}
    both = client.get("/", {"level": "commune", "q": "trich luc"})
    assert "Cấp tỉnh và cấp xã" in facts(both, "Cấp thực hiện")  # both levels count as commune


def test_a_tampered_filter_shows_its_error_and_filters_nothing(client, catalogue):
    response = client.get("/", {"sector": "abc", "q": "khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and 'href="#id_sector"' in html
    assert "Thủ tục đăng ký khai sinh" in names(response)


def test_a_page_past_the_end_shows_the_last_page(client, catalogue):
    response = client.get("/", {"page": "999"})
    assert response.status_code == 200 and len(names(response)) == 7


def test_the_list_takes_the_same_queries_for_one_or_thirty_procedures(
        client, db, django_assert_num_queries):
    build_procedure(code="1.000001", name="Thủ tục một")
    # sectors, agency kinds, count, the page, its versions, their fees
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
    for n in range(2, 31):
        build_procedure(code=f"1.{n:06d}", name=f"Thủ tục số {n}")
    with django_assert_num_queries(6):
        response = client.get("/", {"q": "thu tuc"})
    assert len(names(response)) == 10


def test_english_shows_the_english_names(client, catalogue):
    client.cookies["django_language"] = "en"
    assert "Birth registration" in names(client.get("/", {"q": "khai sinh"}))
