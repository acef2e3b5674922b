"""The applicant hears that their electronic result is signed: a delivery row per channel,
written in the signing's transaction under its timeline event, none for a failed signing,
none more for a second signing; sent by the worker (email, the citizen app through the
sandbox's gateway) and told on the portal's timeline."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, person, received
from motcua.notifications import delivery
from motcua.notifications.models import Delivery
from motcua.records import results, signing

pytestmark = pytest.mark.django_db


def later():
    """The delivery worker's clock: after the signing (at the real time)."""
    return timezone.now() + dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


TITLE = "Giấy xác nhận tình trạng hôn nhân"


def ready(org, procedure, leader, d):
    procedure.versions.update(results=f"{TITLE} (KQ01)")
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    return actions.perform(d, "mark_result_ready", leader, now=at("15:00 18/11/2026"))


@pytest.fixture
def at_counter(org, procedure, leader):
    """Received at the counter from An, who gave an email address and a phone number."""
    applicant = person(commune_code=org.commune_a.code, email="an@example.vn",
                       phone="0912 345 678")
    return ready(org, procedure, leader,
                 received(org, procedure, at("09:00 16/11/2026"), applicant=applicant))


def signed_notices(d):
    return Delivery.objects.filter(dossier=d, kind="result_signed").order_by("channel")


def test_a_signed_result_is_told_to_the_applicant_once(at_counter, agency_cert, sandbox,
                                                       leader, settings):
    result = results.sign_result(at_counter.signed_results.get(), actor=leader)
    event = at_counter.events.get(action="result_signed")
    [row] = signed_notices(at_counter)  # email; no SMS by default, no app (not filed online)
    assert (row.channel, row.recipient, row.status) == ("email", "an@example.vn", "pending")
    assert row.cause == delivery.timeline_cause(event.pk) and row.created_at == event.at
    assert row.subject == f"Hồ sơ {at_counter.code}: kết quả điện tử của bạn đã được ký số"
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    assert "Kính gửi Nguyễn Văn An," in row.body
    assert f"đã được ký số: {TITLE}, số {result.number}, do Ủy ban nhân dân phường Hoa Lư " \
        "ký lúc" in row.body
    assert f"{base}/kho-du-lieu/" in row.body  # in the data store
    assert f"{base}/ho-so-cua-toi/{at_counter.code}/" in row.body
    assert f"{base}/xac-thuc/{result.public_id}/" in row.body
    assert "hiệu lực" not in row.body  # no end date, nothing said
    assert Delivery.objects.filter(dossier=at_counter, channel="sms", kind="received").exists()

    # signing again (the task retried, the leader's button) sends nothing more
    assert results.sign_result(result, actor=leader).sha256 == result.sha256
    assert signed_notices(at_counter).count() == 1

    # the worker sends it; the staff's timeline says the applicant was notified of it
    delivery.run_pass(later())
    [message] = [m for m in mail.outbox if m.extra_headers["X-Motcua-Delivery"] == str(row.pk)]
    assert message.to == ["an@example.vn"] and result.number in message.body
    notified = at_counter.events.get(action="notify", data__for_event=event.pk)
    assert notified.data["kind"] == "result_signed" and notified.data["channel"] == "email"
    assert not any(delivery.run_pass(later()).values())


def test_a_failed_signing_tells_nothing(at_counter, leader):
    """No certificate for the agency: the result is FAILED, and no notice is written."""
    with pytest.raises(signing.SigningFailed):
        results.sign_result(at_counter.signed_results.get(), actor=leader)
    assert not signed_notices(at_counter).exists()
    assert not at_counter.events.filter(action="result_signed").exists()


def test_by_sms_when_the_settings_name_it_with_the_end_of_validity(
        at_counter, agency_cert, sandbox, settings):
    settings.NOTIFICATION_SMS_KINDS = (*settings.NOTIFICATION_SMS_KINDS, "result_signed")
    result = at_counter.signed_results.get()
    result.valid_until = result.issued_at.date().replace(year=2028)
    result.save()
    results.sign_result(result)
    sms = signed_notices(at_counter).get(channel="sms")
    assert sms.recipient == "0912345678"
    assert sms.body.startswith(f"Hồ sơ {at_counter.code}: kết quả điện tử")
    assert f"/ho-so-cua-toi/{at_counter.code}/" in sms.body
    email = signed_notices(at_counter).get(channel="email")
    assert "Có hiệu lực đến ngày 18/11/2028." in email.body


def test_in_english_too(at_counter, agency_cert, sandbox, settings):
    settings.LANGUAGE_CODE = "en"
    result = results.sign_result(at_counter.signed_results.get())
    row = signed_notices(at_counter).get()
    assert row.subject == f"Dossier {at_counter.code}: your electronic result is signed"
    assert f"Your electronic result is signed: {TITLE}, no. {result.number}" in row.body
    assert "It is in your data store" in row.body


def test_an_online_applicant_reads_it_in_the_citizen_app_and_on_the_portal(
        org, procedure, leader, agency_cert, sandbox, client):
    httpx.delete(sandbox.url + "/gateways/messages/", timeout=10).raise_for_status()
    d = online(org, procedure, at("08:00 16/11/2026"))
    d = actions.perform(d, "accept", org.officer_a, now=at("09:00 16/11/2026"))
    d = ready(org, procedure, leader, d)
    result = results.sign_result(d.signed_results.get())
    app = signed_notices(d).get(channel="app")
    assert app.recipient == org.citizen.national_id
    delivery.run_pass(later())
    got = [m for m in sandbox.get("/gateways/messages/?channel=app").json()["messages"]
           if m["title"] == app.subject]
    assert len(got) == 1 and got[0]["to"] == org.citizen.national_id
    assert result.number in got[0]["text"]
    # the dossier's page tells it on the timeline, above the download
    client.force_login(org.citizen)
    html = client.get(reverse("portal:dossier", kwargs={"code": d.code})).content.decode()
    assert f"Ủy ban nhân dân phường Hoa Lư đã ký số kết quả điện tử số {result.number}." in html
