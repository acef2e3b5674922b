"""The SMS and citizen-app channels: registered by integration into the notifications app,
chosen per notice from the applicant's phone and online account, sent to the sandbox gateways
over HTTP (and read back there)."""

from __future__ import annotations

import httpx
import pytest

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, person, received
from motcua.integration.gateways import AppAdapter, SmsAdapter
from motcua.notifications import channels, delivery
from motcua.notifications.models import Delivery

pytestmark = pytest.mark.django_db
T = at("09:00 02/03/2026")


@pytest.fixture
def sandbox(sandbox):
    """The sandbox, its gateways holding no message yet."""
    httpx.delete(sandbox.url + "/gateways/messages/", timeout=10).raise_for_status()
    return sandbox


def messages(sandbox, channel):
    return sandbox.get(f"/gateways/messages/?channel={channel}").json()["messages"]


def test_integration_registers_the_sms_and_app_adapters():
    assert isinstance(channels.adapter_for("sms"), SmsAdapter)
    assert isinstance(channels.adapter_for("app"), AppAdapter)


def test_a_key_notice_goes_by_sms_to_the_applicants_phone(org, procedure, sandbox):
    d = received(org, procedure, T, applicant=person(commune_code=org.commune_a.code,
                                                     phone="0912 345 678"))
    sms = Delivery.objects.get(dossier=d, channel="sms")
    assert (sms.recipient, sms.kind) == ("0912345678", "received")
    assert not Delivery.objects.filter(dossier=d, channel="app").exists()  # not filed online
    assert delivery.run_pass(T)["sent"] == 1
    [got] = messages(sandbox, "sms")
    assert got["to"] == "0912345678" and d.code in got["text"]
    assert got["text"].startswith(f"Hồ sơ {d.code}") and f"/tra-cuu/{d.code}" in got["text"]
    sms.refresh_from_db()
    assert sms.status == "sent"


def test_sms_only_for_the_kinds_the_settings_name(org, procedure, sandbox, settings):
    settings.NOTIFICATION_SMS_KINDS = ()
    d = received(org, procedure, T, applicant=person(commune_code=org.commune_a.code,
                                                     phone="0912345678"))
    assert not Delivery.objects.filter(dossier=d, channel="sms").exists()


def test_a_phone_that_is_not_a_number_gets_no_sms(org, procedure):
    d = received(org, procedure, T, applicant=person(commune_code=org.commune_a.code,
                                                     phone="gọi cho tôi"))
    assert not Delivery.objects.filter(dossier=d, channel="sms").exists()


def test_online_applicants_get_the_notice_in_the_app(org, procedure, sandbox):
    d = online(org, procedure, at("08:00 02/03/2026"))
    actions.perform(d, "accept", org.officer_a, now=T)
    app = Delivery.objects.get(dossier=d, channel="app")
    assert app.recipient == org.citizen.national_id
    delivery.run_pass(T)
    [got] = messages(sandbox, "app")
    assert got["to"] == org.citizen.national_id
    assert got["title"] == f"Hồ sơ {d.code} đã được tiếp nhận"


def test_a_gateway_down_is_retried_and_a_refusal_is_final(org, procedure, sandbox):
    d = received(org, procedure, T, applicant=person(commune_code=org.commune_a.code,
                                                     phone="0912345678"))
    sandbox.fault("/gateways/sms", "error", status=503, times=1)
    assert delivery.run_pass(T)["retry"] == 1
    row = Delivery.objects.get(dossier=d, channel="sms")
    assert row.status == "pending" and "answered 503" in row.last_error
    assert delivery.run_pass(row.next_attempt_at)["sent"] == 1
    # the gateway refuses a number it cannot reach: failed at once, never retried
    bad = Delivery.objects.create(channel="sms", recipient="0912", kind="received",
                                  cause="test:bad", subject="s", body="b", next_attempt_at=T,
                                  created_at=T)
    assert delivery.run_pass(T)["failed"] == 1
    bad.refresh_from_db()
    assert bad.status == "failed" and "refused the message (400)" in bad.last_error


def test_a_resent_message_is_stored_once_by_the_gateway(org, procedure, sandbox):
    d = received(org, procedure, T, applicant=person(commune_code=org.commune_a.code,
                                                     phone="0912345678"))
    row = Delivery.objects.get(dossier=d, channel="sms")
    SmsAdapter().send(row)
    SmsAdapter().send(row)  # the worker died after sending: the lease ran out, sent again
    [got] = messages(sandbox, "sms")
    assert got["received"] == 2
