"""Sign-in with VNeID through the sandbox's OpenID Connect provider, over real HTTP: the
authorization code flow with state, nonce and PKCE, the signed ID token, the claims kept on the
account; forged state and nonce refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from motcua.integration.models import EIdAccount, ExchangeLogEntry
from motcua.org.models import User

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1"}  # the loopback callback the sandbox's client allows
AN, LAN, BINH = "037095001234", "036198004321", "037080000111"
PASSWORD = "Motcua@2026"  # the sandbox's citizens' password


def start(client, next_url="/ho-so-cua-toi/"):
    response = client.get(f"/oidc/authenticate/?next={next_url}", **HOST)
    assert response.status_code == 302
    return response["Location"]


def sign_in_at_provider(authorize_url, id_number, password=PASSWORD):
    """The browser's part at VNeID: the authorize address sends it to the sign-in page; after
    signing in it comes back with the code to Motcua's callback (the address returned)."""
    with httpx.Client(timeout=10) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 302 and "/idp/login/" in page.headers["location"]
        login_url = str(page.url.join(page.headers["location"]))
        form = browser.get(login_url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        nxt = re.search(r'name="next" value="([^"]+)"', form.text).group(1).replace("&amp;", "&")
        signed = browser.post(login_url, data={
            "csrfmiddlewaretoken": token, "next": nxt, "id_number": id_number,
            "password": password})
        if signed.status_code != 302:
            return signed
        back = browser.get(str(signed.url.join(signed.headers["location"])))
        assert back.status_code == 302
        return back.headers["location"]


def callback_path(location):
    parts = urlsplit(location)
    assert parts.path == "/oidc/callback/" and parts.hostname == "127.0.0.1"
    return f"{parts.path}?{parts.query}"


def test_the_authorization_request_carries_state_nonce_and_pkce(client, sandbox):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["client_id"] == ["motcua"] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert query["scope"] == ["openid profile vneid"]
    assert query["redirect_uri"] == ["http://127.0.0.1/oidc/callback/"]


def test_a_demo_citizen_signs_in_and_the_account_keeps_the_verified_identity(client, sandbox):
    an = User.objects.create_user("citizen.an", kind=User.Kind.CITIZEN, national_id=AN,
                                  full_name="Nguyễn Văn An")
    location = sign_in_at_provider(start(client), AN)
    response = client.get(callback_path(location), **HOST)
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert int(client.session["_auth_user_id"]) == an.pk
    eid = EIdAccount.objects.get(user=an)
    assert (eid.id_number, eid.assurance_level, eid.verified) == (AN, 2, True)
    assert eid.full_name == "Nguyễn Văn An" and str(eid.birth_date) == "1995-03-14"
    assert "Hoa Lư" in eid.permanent_address and eid.tax_code == AN
    entry = ExchangeLogEntry.objects.get()
    assert (entry.system, entry.direction, entry.account, entry.subject_id_number) == (
        "vneid", "in", an, AN)


def test_a_citizen_without_an_account_gets_one_and_level_1_is_not_verified(client, sandbox):
    response = client.get(callback_path(sign_in_at_provider(start(client), BINH)), **HOST)
    assert response.status_code == 302
    user = User.objects.get(national_id=BINH)
    assert (user.username, user.kind, user.full_name) == (
        f"vneid-{BINH}", User.Kind.CITIZEN, "Trần Văn Bình")
    assert not user.has_usable_password()
    assert user.eid.assurance_level == 1 and not user.eid.verified


def test_a_wrong_password_at_the_provider_goes_nowhere(client, sandbox):
    page = sign_in_at_provider(start(client), LAN, password="wrong")
    assert page.status_code == 400 and 'id="error"' in page.text
    assert not User.objects.exists()


def test_a_forged_state_is_refused(client, sandbox):
    location = sign_in_at_provider(start(client), LAN)
    forged = re.sub(r"state=[^&]+", "state=forged", callback_path(location))
    response = client.get(forged, **HOST)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session and not EIdAccount.objects.exists()


def test_a_forged_nonce_is_refused(client, sandbox):
    location = sign_in_at_provider(start(client), LAN)
    session = client.session
    for state in session["oidc_states"].values():
        state["nonce"] = "forged"
    session.save()
    response = client.get(callback_path(location), **HOST)
    assert response.status_code == 400  # mozilla-django-oidc: nonce verification failed
    assert "_auth_user_id" not in client.session and not EIdAccount.objects.exists()


def test_a_code_from_another_session_is_refused(client, sandbox):
    location = sign_in_at_provider(start(client), LAN)
    other = type(client)()
    start(other)  # another browser's session, with its own state
    response = other.get(callback_path(location), **HOST)
    assert response.status_code == 400
    assert not EIdAccount.objects.exists()


def test_vneid_not_answering_the_code_exchange_sends_back_to_sign_in_saying_so(
        client, sandbox, settings):
    location = sign_in_at_provider(start(client), LAN)
    settings.OIDC_TIMEOUT = 0.5
    sandbox.fault("/idp/token/", "timeout", seconds=2)
    response = client.get(callback_path(location), **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?vneid=unavailable"
    assert "_auth_user_id" not in client.session
    assert 'id="vneid-unavailable"' in client.get(response["Location"]).content.decode()
