"""Sign-in and sign-out with a local account, and the lockout of the API and the admin on the
site's own sign-in page (motcua/org/lockout.py)."""

import pytest
from django.contrib.auth import SESSION_KEY

from motcua.org.lockout import lockout_message
from motcua.tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/dang-nhap/"
ATTACKER = "203.0.113.66"
OFFICE = "10.20.30.40"


def sign_in(client, password, address=OFFICE, username="citizen", next_url=""):
    return client.post(SIGN_IN, {"username": username, "password": password, "next": next_url},
                       REMOTE_ADDR=address)


def test_a_citizen_signs_in_and_returns_to_the_page_they_asked_for(client, org):
    asked = client.get("/ho-so-cua-toi/")
    assert asked.status_code == 302 and asked["Location"] == "/dang-nhap/?next=/ho-so-cua-toi/"
    response = sign_in(client, PASSWORD, next_url="/ho-so-cua-toi/")
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert client.session[SESSION_KEY] == str(org.citizen.pk)


def test_a_wrong_password_shows_the_error_and_keeps_the_username(client, org):
    response = sign_in(client, "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert 'class="govuk-error-summary"' in html and 'href="#id_username"' in html
    assert 'value="citizen"' in html and "wrong" not in html
    assert html.count("<title>Lỗi: Đăng nhập") == 1


def test_a_next_address_elsewhere_is_ignored(client, org):
    response = sign_in(client, PASSWORD, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_five_failures_lock_this_address_out_on_the_page_in_the_layout(client, org):
    for attempt in range(1, 5):
        assert sign_in(client, f"wrong-{attempt}", ATTACKER).status_code == 200
    locked = sign_in(client, "wrong-5", ATTACKER)
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 300
    html = locked.content.decode()
    assert lockout_message(300) in html and 'class="govuk-error-summary"' in html
    assert 'class="govuk-skip-link"' in html  # the page, in the layout
    # Even the right password is refused from that address, and not checked.
    refused = sign_in(client, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and SESSION_KEY not in client.session
    # The citizen, from elsewhere, signs in as usual.
    assert sign_in(client, PASSWORD, OFFICE).status_code == 302


def test_the_admin_keeps_its_plain_lockout_answer(client, org):
    for attempt in range(1, 6):
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "citizen", "password": f"wrong-{attempt}"},
                               REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429 and response["Content-Type"].startswith("text/plain")


def test_sign_out_asks_on_get_and_signs_out_on_post(client, org):
    client.force_login(org.citizen)
    page = client.get("/dang-xuat/")
    assert page.status_code == 200 and SESSION_KEY in client.session
    assert 'action="/dang-xuat/"' in page.content.decode()
    response = client.post("/dang-xuat/", follow=True)
    assert SESSION_KEY not in client.session
    assert "Bạn đã đăng xuất." in response.content.decode()


def test_the_menu_signs_out_with_a_form_when_signed_in(client, org):
    client.force_login(org.citizen)
    html = client.get("/").content.decode()
    assert 'action="/dang-xuat/"' in html and 'href="/dang-nhap/' not in html
