"""Sign-in lockout (issue 9): counted per account and address together, with a wait that grows,
logged, and lifted by an administrator. Waiting is simulated by moving the recorded failures
back in time, never by sleeping."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from rest_framework.authtoken.models import Token

from motcua.core.models import AuditEvent
from motcua.org.lockout import lockout_message, wait_after
from motcua.tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
ATTACKER = "203.0.113.66"  # somewhere on the Internet
OFFICE = "10.20.30.40"  # the officer's service center


def token_login(api, password, address, username="officer.a"):
    return api.post("/api/v1/auth/token", {"username": username, "password": password},
                    format="json", REMOTE_ADDR=address)


def admin_login(client, password, address, username="officer.a"):
    return client.post("/admin/login/?next=/admin/", {"username": username,
                                                      "password": password},
                       REMOTE_ADDR=address)


def lock_out(api, address, username="officer.a"):
    """Five wrong passwords from `address`: the first four are 401, the fifth locks."""
    for attempt in range(1, 5):
        assert token_login(api, f"wrong-{attempt}", address, username).status_code == 401
    return token_login(api, "wrong-5", address, username)


def wait(seconds, address=ATTACKER):
    """As if `seconds` had passed since that address's failures."""
    AccessAttempt.objects.filter(ip_address=address).update(
        attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def retry_after(response) -> int:
    return int(response["Retry-After"])


def test_an_attacker_elsewhere_cannot_lock_an_officer_out_of_their_own_address(api, org):
    locked = lock_out(api, ATTACKER)
    assert locked.status_code == 429 and locked["Content-Type"] == PROBLEM
    # The attacker's address is refused, even with the right password, in Vietnamese.
    refused = token_login(api, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused["Content-Type"] == PROBLEM
    body = refused.json()
    assert body["code"] == "account_locked" and "token" not in body
    assert body["detail"] == lockout_message(retry_after(refused))
    assert body["detail"].startswith("Đăng nhập sai quá nhiều lần")
    assert 295 <= retry_after(refused) <= 300  # the first wait: 5 minutes
    # The officer, from the service center, signs in as usual.
    signed_in = token_login(api, PASSWORD, OFFICE)
    assert signed_in.status_code == 200
    assert signed_in.json()["token"] == Token.objects.get(user=org.officer_a).key
    # ... and the attacker's count was not reset by the officer's success.
    assert token_login(api, PASSWORD, ATTACKER).status_code == 429


def test_officers_sharing_an_address_do_not_lock_each_other_out(api, org):
    assert lock_out(api, OFFICE, username="officer.b").status_code == 429
    assert token_login(api, PASSWORD, OFFICE, username="officer.a").status_code == 200


def test_the_admin_sign_in_form_is_locked_the_same_way(client, org):
    org.officer_a.is_staff = True
    org.officer_a.save()
    for attempt in range(1, 5):
        form = admin_login(client, f"wrong-{attempt}", ATTACKER)
        assert form.status_code == 200  # the form again, with its error
    locked = admin_login(client, "wrong-5", ATTACKER)
    assert locked.status_code == 429 and retry_after(locked) == 300
    assert locked.content.decode() == lockout_message(300)
    assert admin_login(client, PASSWORD, ATTACKER).status_code == 429
    signed_in = admin_login(client, PASSWORD, OFFICE)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_the_wait_doubles_with_each_failure_after_a_wait(api, org):
    assert retry_after(lock_out(api, ATTACKER)) == 300
    wait(301)
    sixth = token_login(api, "wrong-6", ATTACKER)  # checked again, wrong again
    assert sixth.status_code == 429 and retry_after(sixth) == 600
    # Attempts during the wait are refused unchecked and do not lengthen it.
    for _ in range(3):
        assert token_login(api, PASSWORD, ATTACKER).status_code == 429
    assert AccessAttempt.objects.get(ip_address=ATTACKER).failures_since_start == 6
    wait(601)
    assert retry_after(token_login(api, "wrong-7", ATTACKER)) == 1200
    wait(1201)
    # After the wait, the right password works again and clears that address's count.
    assert token_login(api, PASSWORD, ATTACKER).status_code == 200
    assert not AccessAttempt.objects.filter(ip_address=ATTACKER).exists()


def test_the_wait_has_a_ceiling(settings):
    settings.AXES_FAILURE_LIMIT, settings.LOCKOUT_BASE_MINUTES = 5, 5
    settings.LOCKOUT_MAX_HOURS = 24
    assert [wait_after(n) for n in (5, 6, 7, 8)] == [
        dt.timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert wait_after(14) == wait_after(10_000) == dt.timedelta(hours=24)


def test_each_lockout_is_logged_for_security(api, org, caplog):
    with caplog.at_level(logging.INFO, logger="motcua.security"):
        lock_out(api, ATTACKER)
        token_login(api, PASSWORD, ATTACKER)  # refused while locked: no second lockout line
    lines = [r for r in caplog.records if r.name == "motcua.security"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert "'officer.a'" in lines[0].getMessage() and ATTACKER in lines[0].getMessage()
    assert PASSWORD not in lines[0].getMessage() and "wrong-5" not in lines[0].getMessage()


@pytest.fixture
def administrator(client, org):
    admin = org.specialist_a
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return admin


def test_an_administrator_unlocks_an_account_from_the_admin(api, client, org, administrator,
                                                           caplog):
    lock_out(api, ATTACKER)
    lock_out(api, OFFICE)
    assert client.get("/admin/org/user/").status_code == 200
    with caplog.at_level(logging.INFO, logger="motcua.security"):
        response = client.post("/admin/org/user/", {
            "action": "unlock_sign_in", "_selected_action": [org.officer_a.pk],
        }, follow=True)
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="officer.a").exists()
    audit = AuditEvent.objects.get(action="org.sign_in_unlocked")
    assert audit.actor == administrator and audit.data["cleared"] == 2
    assert any("unlocked" in r.getMessage() for r in caplog.records
               if r.name == "motcua.security")
    assert token_login(api, PASSWORD, OFFICE).status_code == 200
    assert token_login(api, "wrong", ATTACKER).status_code == 401  # counting from zero again


def test_the_access_attempts_are_in_the_admin_and_deleting_one_unlocks_that_address(
        api, client, org, administrator):
    lock_out(api, ATTACKER)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and ATTACKER in listing.content.decode()
    attempt = AccessAttempt.objects.get(ip_address=ATTACKER)
    client.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert token_login(api, PASSWORD, ATTACKER).status_code == 200


def test_a_lockout_met_by_the_middleware_under_api_is_problem_json_too(api, org, rf):
    from axes.handlers.proxy import AxesProxyHandler

    from motcua.org.lockout import lockout_response

    lock_out(api, ATTACKER)
    for path, content_type in (("/api/v1/other", PROBLEM), ("/admin/login/", "text/plain")):
        request = rf.post(path, REMOTE_ADDR=ATTACKER)
        AxesProxyHandler.update_request(request)
        response = lockout_response(request, None, {"username": "officer.a"})
        assert response.status_code == 429 and response["Content-Type"].startswith(content_type)
        assert 295 <= retry_after(response) <= 300
