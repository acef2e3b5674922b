"""The confirm callback of the payment platform: only an authentic, fresh, first-time message
with the payment's amount changes anything; every other one is refused, logged, and changes
nothing (issue 12: "a forged or replayed one is refused, logged, and changes nothing")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.catalog import fees
from motcua.core.models import AuditEvent
from motcua.dossiers import actions
from motcua.dossiers.models import DossierEvent, Status
from motcua.dossiers.tests.factories import at, online
from motcua.integration import payments_selectors
from motcua.integration.models import Payment, PaymentCallback
from motcua.integration.tests.payments_helpers import callback, fee_procedure, pending

pytestmark = pytest.mark.django_db
URL = "/integration/payments/callback"


@pytest.fixture
def dossier(org):
    return online(org, fee_procedure(), at("08:00 02/03/2026"))


def post(client, message):
    return client.post(URL, message, content_type="application/json")


def nothing_changed(payment, dossier):
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and payment.succeeded_at is None
    assert not DossierEvent.objects.filter(dossier=dossier, action="pay_online").exists()
    assert not AuditEvent.objects.filter(action="payment.succeeded").exists()


def test_an_authentic_callback_records_the_payment_once(client, dossier):
    payment = pending(dossier)
    response = post(client, callback(payment))
    assert response.status_code == 200 and response.json()["code"] == "00"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.online
    assert payment.transaction_no == "26120500001234" and payment.succeeded_at is not None
    event = DossierEvent.objects.get(dossier=dossier, action="pay_online")
    assert event.data == {"amount_vnd": 70_000, "reference": payment.reference}
    assert event.from_status == event.to_status == Status.SUBMITTED  # no status change
    assert PaymentCallback.objects.get().verdict == "accepted"
    # paid: nothing more is owed, and the page's panel lists the receipt
    assert payments_selectors.owed(dossier) is None
    assert payments_selectors.paid(dossier) == [payment]


def test_a_forged_callback_is_refused_logged_and_changes_nothing(client, dossier):
    payment = pending(dossier)
    response = post(client, callback(payment, secret="guessed"))
    assert response.status_code == 400 and response.json()["code"] == "97"
    nothing_changed(payment, dossier)
    logged = PaymentCallback.objects.get()
    assert (logged.verdict, logged.reason, logged.reference) == (
        "refused", "wrong signature", payment.reference)
    # a field changed after signing (the amount lowered) is a wrong signature too
    tampered = callback(payment)
    tampered["amount"] = 1
    assert post(client, tampered).status_code == 400
    nothing_changed(payment, dossier)
    assert PaymentCallback.objects.filter(verdict="refused").count() == 2


def test_a_replayed_callback_is_refused_and_changes_nothing_more(client, dossier):
    payment = pending(dossier)
    message = callback(payment)
    assert post(client, message).status_code == 200
    payment.refresh_from_db()
    before = (payment.status, payment.succeeded_at, payment.ended_at)
    response = post(client, message)
    assert response.status_code == 400 and "replayed" in response.json()["message"]
    payment.refresh_from_db()
    assert (payment.status, payment.succeeded_at, payment.ended_at) == before
    assert DossierEvent.objects.filter(dossier=dossier, action="pay_online").count() == 1
    assert list(PaymentCallback.objects.order_by("pk").values_list("verdict", "reason")) == [
        ("accepted", ""), ("refused", "replayed")]
    # a new message about a settled payment (a cancel after the success) changes nothing
    cancel = callback(payment, status="24")
    assert post(client, cancel).status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


@pytest.mark.parametrize("change, reason", [
    ({"amount": 1_000}, "amount 1000 differs from 70000"),
    ({"reference": "MC000000NOSUCHREF0"}, "unknown reference"),
    ({"partnerCode": "SOMEONE-ELSE"}, "not addressed to this partner"),
    ({"status": "99"}, "unknown status '99' or currency"),
    ({"paidTime": "not-a-time"}, "malformed amount or time"),
    ({"messageId": ""}, "no message id"),
])
def test_a_callback_that_does_not_match_is_refused(client, dossier, change, reason):
    payment = pending(dossier)
    amount = change.pop("amount", None)
    response = post(client, callback(payment, amount=amount, **change))
    assert response.status_code == 400
    nothing_changed(payment, dossier)
    assert PaymentCallback.objects.get().reason == reason


def test_a_stale_callback_is_refused(client, dossier, settings):
    settings.PAYMENT_CALLBACK_MAX_AGE_SECONDS = 60
    payment = pending(dossier)
    payment.started_at = timezone.now() - dt.timedelta(hours=2)
    payment.save()
    old = callback(payment, paid_at=timezone.now() - dt.timedelta(hours=1))
    assert post(client, old).status_code == 400
    nothing_changed(payment, dossier)
    assert PaymentCallback.objects.get().reason == "stale"


def test_a_callback_dated_before_the_payment_is_refused(client, dossier):
    payment = pending(dossier)
    early = callback(payment, paid_at=payment.started_at - dt.timedelta(days=1))
    assert post(client, early).status_code == 400
    nothing_changed(payment, dossier)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"{" * 20_000])
def test_malformed_bodies_are_refused_and_logged(client, dossier, body):
    payment = pending(dossier)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code in (400, 413)
    nothing_changed(payment, dossier)
    assert PaymentCallback.objects.get().verdict == "refused"


def test_missing_fields_are_refused(client, dossier):
    payment = pending(dossier)
    message = callback(payment)
    del message["signature"]
    assert post(client, message).status_code == 400
    assert PaymentCallback.objects.get().reason == "missing signature"
    nothing_changed(payment, dossier)


def test_only_post(client):
    assert client.get(URL).status_code == 405


def test_a_cancelled_payment_leaves_the_fees_owed(client, dossier):
    payment = pending(dossier)
    assert post(client, callback(payment, status="24")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED and payment.succeeded_at is None
    assert payments_selectors.owed(dossier).amount_vnd == 70_000


def test_paying_the_agencys_request_confirms_it_and_resumes_the_dossier(client, org):
    d = online(org, fee_procedure(), at("08:00 02/03/2026"))
    d = actions.perform(d, "accept", org.officer_a, now=at("09:00 02/03/2026"))
    d = actions.perform(d, "request_payment", org.specialist_a, now=at("10:00 02/03/2026"),
                        amount_vnd=120_000, reason="Phí thẩm định")
    due = payments_selectors.owed(d)
    assert (due.amount_vnd, due.lines[0].name) == (120_000, "Phí thẩm định")
    payment = pending(d, amount=120_000)
    payment.purpose = due.purpose
    payment.save()
    assert post(client, callback(payment)).status_code == 200
    d.refresh_from_db()
    assert d.status == Status.PROCESSING
    confirmed = DossierEvent.objects.get(dossier=d, action="confirm_payment")
    assert confirmed.data["reference"] == payment.reference
    # the procedure's own fees are still owed (another purpose)
    assert payments_selectors.owed(d).amount_vnd == 70_000


def test_what_is_owed_comes_only_from_published_fees(org):
    free = online(org, fee_procedure(code="1.000001", fees=(("Lệ phí", 0),)),
                  at("08:00 02/03/2026"))
    unknown = online(org, fee_procedure(code="1.000002",
                                        fees=(("Lệ phí", 50_000), ("Phí", None))),
                     at("08:00 02/03/2026"))
    fees = online(org, fee_procedure(code="1.000003"), at("08:00 02/03/2026"))
    assert payments_selectors.owed(free) is None
    assert payments_selectors.owed(unknown) is None  # never an invented amount
    due = payments_selectors.owed(fees)
    assert due.amount_vnd == 70_000 and [line.amount_vnd for line in due.lines] == [50_000,
                                                                                    20_000]
    withdrawn = actions.perform(fees, "withdraw", org.citizen, reason="Nộp nhầm")
    assert payments_selectors.owed(withdrawn) is None


def test_the_admin_lists_callbacks_and_nobody_edits_them(client, dossier, django_user_model):
    payment = pending(dossier)
    post(client, callback(payment, secret="guessed"))
    admin = django_user_model.objects.create_superuser("root", password="Motcua@2026-test")
    client.force_login(admin)
    html = client.get("/admin/integration/paymentcallback/").content.decode()
    assert "wrong signature" in html
    logged = PaymentCallback.objects.get()
    assert client.post(f"/admin/integration/paymentcallback/{logged.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert client.get("/admin/integration/payment/").status_code == 200


def test_a_dossier_owes_the_fees_of_its_own_channel_only(org):
    """Two lines published side by side, one per channel: an online dossier owes the online
    one, never their sum; an extra copy asked for only on request is not owed."""
    procedure = fee_procedure(fees=(
        ("Lệ phí đăng ký hộ kinh doanh – nộp trực tiếp", 50_000),
        ("Lệ phí đăng ký hộ kinh doanh – trực tuyến / bưu chính", 150_000),
        ("Phí cấp bản sao (nếu có yêu cầu)", None)))
    for fee in procedure.versions.get().fees.all():  # as the importer classifies them
        fee.applies = fees.classify(fee.name)
        fee.save()
    d = online(org, procedure, at("08:00 02/03/2026"))
    due = payments_selectors.owed(d)
    assert due is not None and due.amount_vnd == 150_000
    assert [line.name for line in due.lines] == [
        "Lệ phí đăng ký hộ kinh doanh – trực tuyến / bưu chính"]
