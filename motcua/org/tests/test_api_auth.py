import pytest
from axes.models import AccessAttempt
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from motcua.tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def login(api, username, password):
    return api.post("/api/v1/auth/token", {"username": username, "password": password},
                    format="json")


def test_login_returns_a_token_and_the_user_with_roles(api, org):
    response = login(api, "officer.a", PASSWORD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] == Token.objects.get(user=org.officer_a).key
    assert body["user"] == {
        "username": "officer.a",
        "full_name": "Trần Thị Mai",
        "kind": "staff",
        "roles": [{"agency_code": org.center_a.code, "agency_name": org.center_a.name,
                   "role": "one_stop_officer"}],
    }
    org.officer_a.refresh_from_db()
    assert org.officer_a.last_login is not None
    # The token works, and a second sign-in returns the same token.
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/me").json()["username"] == "officer.a"
    assert login(api, "officer.a", PASSWORD).json()["token"] == body["token"]


@pytest.mark.parametrize(("username", "password"), [
    ("officer.a", "wrong-password-2026"),
    ("nobody", PASSWORD),
])
def test_wrong_credentials_get_one_problem_that_does_not_say_which_part(api, org,
                                                                      username, password):
    response = login(api, username, password)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Token")
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["detail"] == gettext("Invalid username or password.")  # in the UI language
    assert "token" not in body


def test_inactive_accounts_cannot_sign_in(api, org):
    org.officer_a.is_active = False
    org.officer_a.save()
    assert login(api, "officer.a", PASSWORD).status_code == 401


def test_missing_fields_are_a_400_problem(api, org):
    response = api.post("/api/v1/auth/token", {"username": "officer.a"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "password" in response.json()["errors"]


def test_a_success_resets_the_failure_count(api, org):
    for attempt in range(4):
        login(api, "officer.a", f"wrong-{attempt}")
    assert login(api, "officer.a", PASSWORD).status_code == 200
    for attempt in range(4):
        assert login(api, "officer.a", f"again-{attempt}").status_code == 401
    assert login(api, "officer.a", PASSWORD).status_code == 200


def test_logout_deletes_the_token(api, org):
    token = login(api, "officer.a", PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert not Token.objects.filter(key=token).exists()
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_me_without_credentials_is_a_401_problem(api, db):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401
    assert "WWW-Authenticate" in response


def test_me_lists_only_active_roles(api, org):
    from motcua.org import actions

    actions.grant_role(org.specialist_a, org.pc_b, "head", None)
    actions.revoke_role(org.specialist_a, org.pc_a, "specialist", None)
    api.force_authenticate(org.specialist_a)
    roles = api.get("/api/v1/me").json()["roles"]
    assert roles == [{"agency_code": org.pc_b.code, "agency_name": org.pc_b.name,
                      "role": "head"}]


def test_a_token_authenticates_its_user_until_the_account_is_deactivated(api, org):
    token = Token.objects.create(user=org.officer_a).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "officer.a"
    api.credentials(HTTP_AUTHORIZATION=f"Token {token[:-1]}x")
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Token")
    org.officer_a.is_active = False
    org.officer_a.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token a b")
    assert api.get("/api/v1/me").status_code == 401


def test_signing_in_for_a_token_leaves_no_session_behind(api, org):
    from django.contrib.sessions.models import Session

    ok = login(api, "officer.a", PASSWORD)
    wrong = login(api, "officer.a", "not the password")
    assert ok.status_code == 200 and wrong.status_code == 401
    assert "sessionid" not in ok.cookies and "sessionid" not in wrong.cookies
    assert not Session.objects.exists()
    assert AccessAttempt.objects.filter(username="officer.a").exists()  # axes still counts
