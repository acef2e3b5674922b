"""When the payment platform's confirm callback never comes (the sandbox's `drop` fault on its
outgoing callback), the status query finds the outcome, once, whatever the order of things; a
fee paid twice (two payer pages, both paid) is recorded once and the second payment is flagged
for refund, visible to the staff; a paid fee is synced to the national portal through the
`FeePaidOnline` event. Real HTTP to the sandbox platform and, for its callbacks, to a live
server."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import at, online
from motcua.integration import outbox, payments_selectors
from motcua.integration.models import OutboxMessage, Payment, PaymentCallback
from motcua.integration.payments_actions import query_pending
from motcua.integration.tests.payments_helpers import fee_procedure, pending
from motcua.integration.tests.test_payments_sandbox import choose, start

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "/payments/callback"  # the sandbox's fault path of its outgoing callback


@pytest.fixture
def live(sandbox, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.PAYMENT_QUERY_AFTER_SECONDS = 0  # every pass may ask again
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    return sandbox


@pytest.fixture
def dossier(org):
    return online(org, fee_procedure(), at("08:00 02/03/2026"))


def paid_events(dossier):
    return DossierEvent.objects.filter(dossier=dossier, action="pay_online")


def test_a_lost_callback_is_made_up_by_the_status_query_once(client, org, dossier, live):
    live.fault(CALLBACK, "drop", times=1)
    back = choose(start(client, org, dossier), "pay")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.PENDING  # nothing came
    page = client.get(back.headers["location"].removeprefix(str(live_url(live))),
                      follow=True).content.decode()
    assert "chưa xác nhận" in page  # "the platform has not confirmed your payment yet"
    assert not paid_events(dossier).exists()

    assert query_pending(timezone.now())["confirmed"] == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.transaction_no
    accepted = PaymentCallback.objects.get()
    assert (accepted.verdict, accepted.via, accepted.remote_addr) == ("accepted", "query", None)
    assert paid_events(dossier).count() == 1
    # a second pass finds nothing to ask; the platform's callback arriving late changes nothing
    assert not any(query_pending(timezone.now()).values())
    [t] = live.get(f"/payments/transactions/?reference={payment.reference}").json()[
        "transactions"]
    assert t["callbacks"] == [{"dropped": True}]
    late = live.post("/payments/query", json=signed_query(payment)).json()["confirmation"]
    response = client.post("/integration/payments/callback", late,
                           content_type="application/json")
    assert response.status_code == 400 and "replayed" in response.json()["message"]
    assert paid_events(dossier).count() == 1
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/bien-lai/{payment.reference}/"
                      ).status_code == 200


def test_the_paid_fee_reaches_the_national_portal_with_its_payment_fields(client, org,
                                                                          dossier, live):
    outbox.run_pass(timezone.now())  # the submission's own messages first
    choose(start(client, org, dossier), "pay")
    payment = Payment.objects.get(status=Payment.Status.SUCCEEDED)
    event = paid_events(dossier).get()
    message = OutboxMessage.objects.get(key=f"portal:dossier-event:{event.pk}")
    assert (message.kind, message.stream) == ("update", f"dossier:{dossier.pk}")
    assert outbox.run_pass(timezone.now())["delivered"] == 1
    got = live.get("/portal/received", params={"dossier": dossier.code, "kind": "update"}
                   ).json()["messages"]
    body = next(m["body"] for m in got if m["key"] == message.key)
    assert body["paid_online"] is True
    assert body["payments"] == [{
        "reference": payment.reference, "transaction_no": payment.transaction_no,
        "amount_vnd": 70_000, "paid_at": payment.succeeded_at.astimezone(
            dt.timezone(dt.timedelta(hours=7))).strftime("%Y%m%d%H%M%S"),
        "online": True, "fees": payment.lines}]
    assert body["progress"]["action"] == "pay_online"


def test_a_lost_answer_to_the_query_is_asked_again(client, org, dossier, live):
    live.fault(CALLBACK, "drop", times=1)
    choose(start(client, org, dossier), "pay")
    live.fault("/payments/query", "drop", times=1)  # the platform answers, the answer is lost
    assert query_pending(timezone.now())["unavailable"] == 1
    assert Payment.objects.get().status == Payment.Status.PENDING
    assert query_pending(timezone.now())["confirmed"] == 1
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert paid_events(dossier).count() == 1


def test_pending_and_unknown_attempts(client, org, dossier, live):
    start(client, org, dossier)  # the payer never chose on the platform's page
    never_sent = pending(dossier, reference="MC260302NEVERSENT0")  # the INIT never arrived
    counts = query_pending(timezone.now())
    assert (counts["pending"], counts["unknown"]) == (1, 1)
    never_sent.refresh_from_db()
    assert never_sent.status == Payment.Status.FAILED and "no payment" in never_sent.error
    assert AuditEvent.objects.filter(action="payment.failed").count() == 1
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 1


def test_only_attempts_old_enough_and_not_too_old_are_asked_about(dossier, live, settings):
    settings.PAYMENT_QUERY_AFTER_SECONDS = 300
    settings.PAYMENT_QUERY_MAX_HOURS = 24
    now = timezone.now()
    pending(dossier, reference="MC260302JUSTSTART0", started_at=now - dt.timedelta(minutes=1))
    pending(dossier, reference="MC260302LONGAGO000", started_at=now - dt.timedelta(days=2))
    assert not any(query_pending(now).values())
    assert Payment.objects.filter(queried_at__isnull=False).count() == 0


def test_the_platform_refusing_our_signature_changes_nothing(client, org, dossier, live,
                                                               settings):
    live.fault(CALLBACK, "drop", times=1)
    choose(start(client, org, dossier), "pay")
    settings.PAYMENT_SECRET = "not-the-shared-one"
    assert query_pending(timezone.now())["unavailable"] == 1
    assert Payment.objects.get().status == Payment.Status.PENDING
    assert not PaymentCallback.objects.exists()


def test_paying_again_after_a_lost_callback_finds_the_fee_paid(client, org, dossier, live):
    live.fault(CALLBACK, "drop", times=1)
    choose(start(client, org, dossier), "pay")
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/", follow=True)
    assert "Hiện không có khoản nào cần thanh toán trực tuyến" in response.content.decode()
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]


def test_a_fee_paid_twice_is_recorded_once_and_the_second_payment_flagged_for_refund(
        client, org, dossier, live):
    first_page = start(client, org, dossier)
    second_page = start(client, org, dossier)  # another tab: the first is still pending
    assert first_page != second_page
    choose(first_page, "pay")
    back = choose(second_page, "pay")
    first, second = Payment.objects.order_by("started_at", "pk")
    told = client.get(back.headers["location"].removeprefix(str(live_url(live))), follow=True)
    assert "khoản nộp lần hai sẽ được hoàn trả" in told.content.decode()
    assert first.status == Payment.Status.SUCCEEDED
    assert second.status == Payment.Status.REFUND_DUE and second.duplicate_of == first
    assert second.succeeded_at is not None and second.transaction_no
    assert paid_events(dossier).count() == 1  # the fee counts once
    assert payments_selectors.paid(dossier) == [first]
    assert payments_selectors.owed(dossier) is None
    assert AuditEvent.objects.filter(action="payment.refund_due").count() == 1
    assert OutboxMessage.objects.filter(dossier=dossier, kind="update").count() == 1
    # the citizen is told, and gets one receipt
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert 'id="payment-refunds"' in page and second.reference in page
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/bien-lai/{second.reference}/"
                      ).status_code == 404
    # the staff see the payment to refund on the dossier's page
    client.force_login(org.officer_a)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'data-payment-status="refund_due"' in html and first.reference in html
    assert "Đã thanh toán hai lần: cần hoàn trả" in html


def test_the_command_reports_what_it_asked(client, org, dossier, live, capsys):
    live.fault(CALLBACK, "drop", times=1)
    choose(start(client, org, dossier), "pay")
    call_command("query_payments")
    assert "confirmed 1" in capsys.readouterr().out


def test_the_status_query_contract_of_the_sandbox(live, dossier):
    body = signed_query(pending(dossier, reference="MC260302NOTATPLAT0"))
    answer = live.post("/payments/query", json=body)
    assert answer.status_code == 404 and answer.json()["code"] == "03"
    body["reference"] = "MC260302TAMPERED00"  # signed for another reference
    assert live.post("/payments/query", json=body).status_code == 401
    assert live.post("/payments/query", content=b"not json").json()["code"] == "01"


def signed_query(payment: Payment) -> dict:
    from django.conf import settings

    from motcua.integration.payments import platform_time, signature
    from motcua.integration.payments_http import QUERY_FIELDS

    body = {"partnerCode": settings.PAYMENT_PARTNER_CODE, "reference": payment.reference,
            "time": platform_time(timezone.now())}
    body["signature"] = signature((body[f] for f in QUERY_FIELDS), settings.PAYMENT_SECRET)
    return body


def live_url(live) -> str:
    from django.conf import settings

    return settings.PUBLIC_BASE_URL
