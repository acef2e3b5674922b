"""The layout every page shares: skip link first, the menu, the language switch, the footer;
Vietnamese by default, English on request; and the template tags of the pages."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from motcua.dossiers.models import Status
from motcua.web.templatetags.web import duration, language_choices, status_tag

pytestmark = pytest.mark.django_db


def test_the_skip_link_comes_first_and_leads_to_the_main_content(client):
    html = client.get("/dang-nhap/").content.decode()
    body = html[html.index("<body"):]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'class="govuk-skip-link"' in first_link and 'href="#main-content"' in first_link
    assert 'id="main-content"' in html


def test_vietnamese_by_default_with_the_menu_and_the_switch_to_english(client):
    html = client.get("/dang-nhap/").content.decode()
    assert '<html lang="vi"' in html
    assert "Cổng Dịch vụ công tỉnh Ninh Bình" in html
    for item in ("Tìm thủ tục", "Tra cứu hồ sơ", "Hồ sơ của tôi", "Đăng nhập"):
        assert item in html
    # The switch is a POST form to Django's set_language view, with its CSRF token.
    assert 'action="/i18n/setlang/"' in html and "csrfmiddlewaretoken" in html
    assert '<button type="submit" name="language" value="en"' in html
    assert "Tiếng Việt" in html  # NFC, as typed


def test_the_switch_sets_the_language_and_returns_to_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    assert response.status_code == 302 and response["Location"] == "/tra-cuu/"
    html = client.get("/tra-cuu/").content.decode()
    assert '<html lang="en"' in html and "Track a dossier" in html
    assert "Ninh Bình Public Service Portal" in html


def test_the_province_is_a_setting(client):
    with override_settings(PORTAL_PROVINCE="Hà Nam"):
        assert "Cổng Dịch vụ công tỉnh Hà Nam" in client.get("/dang-nhap/").content.decode()


def test_the_current_page_is_marked_in_the_menu(client):
    html = client.get("/tra-cuu/").content.decode()
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)<', html)
    assert current == ["Tra cứu hồ sơ"]


def test_language_names_are_nfc():
    assert [c["name"] for c in language_choices()] == ["Tiếng Việt", "English"]


@pytest.mark.parametrize(("value", "unit", "vi", "en"), [
    (1, "same_day", "Trong ngày làm việc", "Within the working day"),
    (3, "working_days", "3 ngày làm việc", "3 working days"),
    (1, "working_days", "1 ngày làm việc", "1 working day"),
    (8, "working_hours", "8 giờ làm việc", "8 working hours"),
    (15, "calendar_days", "15 ngày", "15 days"),
    (None, "", "", ""),
])
def test_durations_in_words(value, unit, vi, en):
    with translation.override("vi"):
        assert duration(value, unit) == vi
    with translation.override("en"):
        assert duration(value, unit) == en


def test_status_tags_tell_who_must_act():
    assert status_tag(Status.SUPPLEMENT) == "govuk-tag--yellow"
    assert status_tag({"code": 9, "name": "…"}) == "govuk-tag--green"
    assert status_tag(3) == "govuk-tag--red"
    assert status_tag(None) == "govuk-tag--grey"
