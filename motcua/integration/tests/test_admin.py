"""Messages to national systems in the admin: stuck ones listed, dead letters retried, nothing
edited by hand; refused to staff who are not administrators."""

import datetime as dt

import pytest
from django.test import Client

from motcua.integration import outbox
from motcua.integration.models import OutboxMessage
from motcua.org.models import User

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
URL = "/admin/integration/outboxmessage/"


@pytest.fixture
def admin_client(db) -> Client:
    user = User.objects.create_superuser("root", password="Motcua@2026-admin", kind="staff")
    client = Client()
    client.force_login(user)
    return client


def message(key: str, **fields) -> OutboxMessage:
    outbox.queue(system="portal", kind="procedure", stream=f"procedure:{key}", key=key, now=T,
                 payload={"procedure_code": key})
    OutboxMessage.objects.filter(key=key).update(**fields)
    return OutboxMessage.objects.get(key=key)


def test_stuck_messages_are_listed_and_dead_letters_retried(admin_client):
    dead = message("dead-one", status="dead", attempts=40, last_error="answered 503")
    message("retrying", attempts=3, last_error="timed out")
    message("delivered", status="delivered", delivered_at=T)
    stuck = admin_client.get(URL + "?stuck=yes").content.decode()
    assert f'href="{URL}{dead.pk}/change/' in stuck
    delivered = OutboxMessage.objects.get(key="delivered")
    assert f'href="{URL}{delivered.pk}/change/' not in stuck
    dead_only = admin_client.get(URL + "?stuck=dead").content.decode()
    assert f'href="{URL}{dead.pk}/change/' in dead_only
    assert admin_client.get(f"{URL}{dead.pk}/change/").status_code == 200
    response = admin_client.post(URL, {"action": "retry_now", "_selected_action": [
        m.pk for m in OutboxMessage.objects.all()]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)
    assert OutboxMessage.objects.get(key="delivered").status == "delivered"  # left alone
    assert admin_client.get(URL + "add/").status_code == 403


def test_a_staff_member_who_is_not_an_administrator_is_refused(client, org):
    client.force_login(org.officer_a)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")
