"""The whole online payment over real HTTP: Motcua's INIT to the sandbox payment platform, the
payer's choice on its page, its signed confirm callback to Motcua (a live server), the return
to the dossier and the electronic receipt. Contract of the adapter with the sandbox."""

from __future__ import annotations

import re

import httpx
import pytest
from django.db import connection

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import at, online
from motcua.integration.models import Payment, PaymentCallback
from motcua.integration.tests.payments_helpers import fee_procedure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(sandbox, live_server, settings):
    """The product reachable by the sandbox's callback (PUBLIC_BASE_URL is where it is)."""
    settings.PUBLIC_BASE_URL = live_server.url
    return sandbox


@pytest.fixture
def dossier(org):
    return online(org, fee_procedure(), at("08:00 02/03/2026"))


def start(client, org, dossier):
    client.force_login(org.citizen)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert response.status_code == 302
    return response["Location"]


def choose(page_url: str, action: str) -> httpx.Response:
    """The payer on the platform's page: open it, click pay or cancel."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(page_url)
        assert page.status_code == 200 and "70000 VND" in page.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return browser.post(page_url, data={"csrfmiddlewaretoken": token, "action": action},
                            headers={"Referer": page_url})


def test_the_citizen_pays_and_gets_the_receipt(client, org, dossier, live):
    page_url = start(client, org, dossier)
    assert page_url.startswith(live.url + "/payments/pay/")
    payment = Payment.objects.get()
    # the INIT message as the platform received it: signed, with its receipt section
    sent = live.get(f"/payments/transactions/?reference={payment.reference}").json()
    [t] = sent["transactions"]
    assert (t["amount"], t["partnerCode"], t["channel"], t["status"]) == (
        70_000, "MOTCUA", "WEB", "pending")
    assert re.fullmatch(r"\d{14}", t["time"]) and t["ip"] == "127.0.0.1"
    assert t["receipt"]["dossierCode"] == dossier.code
    assert t["receipt"]["payer"] == "Nguyễn Văn An"
    assert [f["amount"] for f in t["receipt"]["fees"]] == [50_000, 20_000]
    back = choose(page_url, "pay")
    assert back.status_code == 302
    assert back.headers["location"] == (f"{live_server_url(live)}/ho-so-cua-toi/{dossier.code}"
                                        f"/thanh-toan/ket-qua/?reference={payment.reference}")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED  # the callback came before the return
    returned = client.get(back.headers["location"].removeprefix(live_server_url(live)))
    receipt_url = f"/ho-so-cua-toi/{dossier.code}/bien-lai/{payment.reference}/"
    assert returned.status_code == 302 and returned["Location"] == receipt_url
    html = client.get(receipt_url).content.decode()
    assert "Biên lai điện tử" in html and "70.000 ₫" in html and payment.transaction_no in html
    pdf = client.get(receipt_url + "pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Đã thanh toán trực tuyến" in page and payment.reference in page
    assert f'action="/ho-so-cua-toi/{dossier.code}/thanh-toan/"' not in page  # nothing owed
    assert "Bạn đã nộp 70.000 ₫ trực tuyến." in page  # the timeline


def live_server_url(live) -> str:
    from django.conf import settings

    return settings.PUBLIC_BASE_URL


@pytest.mark.postgres
def test_concurrent_duplicate_callbacks_record_one_payment(client, org, dossier, live):
    """The sandbox's `duplicate` fault sends the confirm callback twice at the same instant."""
    if connection.vendor != "postgresql":
        # SQLite's test database is in memory: the live server's threads share one connection,
        # so two requests at once are not two transactions (see dossiers/test_concurrency.py).
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    live.fault("/payments/pay/", "duplicate", times=1)
    choose(start(client, org, dossier), "pay")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.SUCCEEDED
    [t] = live.get(f"/payments/transactions/?reference={payment.reference}").json()[
        "transactions"]
    assert sorted(answer["status"] for answer in t["callbacks"]) == [200, 400]
    assert DossierEvent.objects.filter(dossier=dossier, action="pay_online").count() == 1
    assert sorted(PaymentCallback.objects.values_list("verdict", flat=True)) == [
        "accepted", "refused"]


def test_a_cancelled_payment_changes_nothing_but_its_attempt(client, org, dossier, live):
    back = choose(start(client, org, dossier), "cancel")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.CANCELLED
    page = client.get(back.headers["location"].removeprefix(live_server_url(live)),
                      follow=True).content.decode()
    assert "Bạn đã hủy thanh toán" in page
    assert f'action="/ho-so-cua-toi/{dossier.code}/thanh-toan/"' in page  # still owed
    assert not DossierEvent.objects.filter(dossier=dossier, action="pay_online").exists()


def test_the_platform_not_answering_is_said_and_nothing_is_paid(client, org, dossier, live):
    live.fault("/payments/init", "error", status=503)
    client.force_login(org.citizen)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/", follow=True)
    assert "Nền tảng thanh toán quốc gia không phản hồi" in response.content.decode()
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED and "503" in payment.error


def test_the_platform_refuses_a_forged_init(live, settings):
    from motcua.integration.payments import signature
    from motcua.integration.payments_http import INIT_FIELDS

    body = {"partnerCode": "MOTCUA", "reference": "MCX", "amount": 70000, "currency": "VND",
            "channel": "WEB", "time": "20261205120000", "ip": "127.0.0.1",
            "returnUrl": "http://127.0.0.1/r", "notifyUrl": "http://127.0.0.1/n"}
    body["signature"] = signature((body[f] for f in INIT_FIELDS), "guessed")
    response = live.post("/payments/init", json=body)
    assert response.status_code == 401 and response.json()["code"] == "97"
    body["signature"] = signature((body[f] for f in INIT_FIELDS), settings.PAYMENT_SECRET)
    assert live.post("/payments/init", json=body).json()["code"] == "00"
    # the same reference for another amount is refused
    body["amount"] = 1
    body["signature"] = signature((body[f] for f in INIT_FIELDS), settings.PAYMENT_SECRET)
    assert live.post("/payments/init", json=body).json()["code"] == "02"
