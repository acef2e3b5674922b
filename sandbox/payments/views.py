"""The sandbox payment platform, as a partner (Motcua) sees it.

    POST /payments/init                 the INIT message (JSON, signed) → {"code": "00",
                                        "paymentUrl": …}; the same message again gets the same
                                        answer (a retried INIT), another one with the same
                                        reference is refused (code "02")
    GET  /payments/pay/<token>/         the payer's page: the receipt section, "pay", "cancel"
    POST /payments/pay/<token>/         the payer's choice: the confirm callback goes to the
                                        partner's notifyUrl (server to server, signed), then the
                                        payer's browser goes back to returnUrl?reference=…
    POST /payments/query                the partner's status query (JSON, signed over partnerCode,
                                        reference, time): {"code": "00", "status": "pending" |
                                        "paid" | "cancelled", "confirmation": the signed confirm
                                        message (as the callback's) or null while pending};
                                        an unknown reference: 404, code "03"
    GET  /payments/transactions/?reference=…   what the platform holds (tests read it back)

Codes: "00" success, "24" cancelled by the payer, "01" malformed, "02" duplicate reference,
"03" unknown reference, "97" wrong signature. The outgoing confirm callback obeys the fault
rules of the path CALLBACK_PATH (it is no address of the sandbox: it names the callback): a
`drop` rule loses it (it is never sent: the partner finds out by the status query), a
`duplicate` rule sends it twice at the same time (the partner must record one payment); a
`duplicate` rule on the payer's page path does the same.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.faults import rules
from sandbox.faults.models import Fault
from sandbox.payments import signing
from sandbox.payments.models import Transaction

SUCCESS, CANCELLED = "00", "24"
CALLBACK_PATH = "/payments/callback"


def _error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def _secret(partner: object) -> str | None:
    return settings.PAYMENT_PARTNERS.get(str(partner))  # type: ignore[no-any-return]


def _pay_url(t: Transaction) -> str:
    return f"{settings.PUBLIC_URL}/payments/pay/{t.token}/"


def _message(body: bytes, fields: tuple[str, ...]) -> dict[str, Any]:
    """A JSON object with `fields` and a signature; ValueError otherwise."""
    message = json.loads(body)
    if not isinstance(message, dict):
        raise ValueError("an object is expected")
    missing = [f for f in (*fields, "signature") if f not in message]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    return message


def _authentic(message: dict[str, Any], fields: tuple[str, ...]) -> bool:
    secret = _secret(message["partnerCode"])
    return secret is not None and signing.verify(message, fields, secret)


@csrf_exempt
@require_http_methods(["POST"])
def init(request: HttpRequest) -> JsonResponse:
    try:
        message = _message(request.body, signing.INIT_FIELDS)
        amount = int(message["amount"])
        if amount <= 0 or str(amount) != str(message["amount"]):
            raise ValueError("amount must be a positive whole number")
        if message["currency"] != "VND":
            raise ValueError("currency must be VND")
        for url in ("returnUrl", "notifyUrl"):
            if not str(message[url]).startswith(("http://", "https://")):
                raise ValueError(f"{url} must be an http(s) address")
    except (ValueError, TypeError) as error:
        return _error("01", f"malformed INIT message: {error}")
    if not _authentic(message, signing.INIT_FIELDS):
        return _error("97", "wrong signature", 401)
    fields = {"amount": amount, "currency": "VND", "channel": str(message["channel"]),
              "init_time": str(message["time"]), "ip": str(message["ip"]),
              "return_url": str(message["returnUrl"]), "notify_url": str(message["notifyUrl"]),
              "receipt": message.get("receipt") or {}}
    existing = Transaction.objects.filter(partner_code=message["partnerCode"],
                                          reference=message["reference"]).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Transaction.objects.create(
                    token=secrets.token_urlsafe(24), partner_code=str(message["partnerCode"]),
                    reference=str(message["reference"]), **fields)
        except IntegrityError:  # the same INIT twice at once
            existing = Transaction.objects.get(partner_code=message["partnerCode"],
                                               reference=message["reference"])
    if any(getattr(existing, k) != v for k, v in fields.items() if k != "receipt"):
        return _error("02", "this reference was already used for another payment", 409)
    return JsonResponse({"code": SUCCESS, "message": "OK", "reference": existing.reference,
                         "paymentUrl": _pay_url(existing)})


def callback_message(t: Transaction) -> dict[str, Any]:
    message: dict[str, Any] = {
        "partnerCode": t.partner_code, "reference": t.reference,
        "transactionNo": t.transaction_no, "amount": t.amount, "currency": t.currency,
        "status": SUCCESS if t.status == Transaction.PAID else CANCELLED,
        "paidTime": t.paid_time, "messageId": f"{t.transaction_no}-{t.status}"}
    message["signature"] = signing.sign(message, signing.CALLBACK_FIELDS,
                                        _secret(t.partner_code) or "")
    return message


def send_callback(t: Transaction, times: int) -> list[dict[str, Any]]:
    """POST the confirm message to the partner `times` times at once; what each got back."""
    message = callback_message(t)
    answers: list[dict[str, Any]] = [{} for _ in range(times)]

    def post(i: int) -> None:
        try:
            response = httpx.post(t.notify_url, json=message, timeout=15)
            answers[i] = {"status": response.status_code, "body": response.text[:500]}
        except httpx.HTTPError as error:
            answers[i] = {"error": str(error)}

    threads = [threading.Thread(target=post, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    t = Transaction.objects.filter(token=token).first()
    if t is None:
        raise Http404("no such payment")
    if request.method == "POST" and t.status == Transaction.PENDING:
        choice = request.POST.get("action")
        if choice not in ("pay", "cancel"):
            return render(request, "payments/pay.html", {"t": t, "error": True}, status=400)
        now = timezone.localtime()
        status = Transaction.PAID if choice == "pay" else Transaction.CANCELLED
        number = f"{now:%y%m%d}{secrets.randbelow(10**8):08d}"
        done = Transaction.objects.filter(pk=t.pk, status=Transaction.PENDING).update(
            status=status, transaction_no=number, paid_time=f"{now:%Y%m%d%H%M%S}")
        if done:  # not a second click
            t.refresh_from_db()
            if rules.take(CALLBACK_PATH, (Fault.DROP,)):
                t.callbacks = [{"dropped": True}]
            else:
                twice = rules.take(request.path, (Fault.DUPLICATE,)) \
                    or rules.take(CALLBACK_PATH, (Fault.DUPLICATE,))
                t.callbacks = send_callback(t, 2 if twice else 1)
            t.save(update_fields=["callbacks"])
    if t.status != Transaction.PENDING:
        separator = "&" if "?" in t.return_url else "?"
        return redirect(t.return_url + separator + urlencode({"reference": t.reference}))
    return render(request, "payments/pay.html", {"t": t})


@csrf_exempt
@require_http_methods(["POST"])
def query(request: HttpRequest) -> JsonResponse:
    """The partner asks what became of a payment (its callback never came, or was lost)."""
    try:
        message = _message(request.body, signing.QUERY_FIELDS)
    except (ValueError, TypeError) as error:
        return _error("01", f"malformed query: {error}")
    if not _authentic(message, signing.QUERY_FIELDS):
        return _error("97", "wrong signature", 401)
    t = Transaction.objects.filter(partner_code=message["partnerCode"],
                                   reference=str(message["reference"])).first()
    if t is None:
        return _error("03", "unknown reference", 404)
    status = {Transaction.PAID: "paid", Transaction.CANCELLED: "cancelled"}.get(t.status,
                                                                             "pending")
    return JsonResponse({"code": SUCCESS, "message": "OK", "reference": t.reference,
                         "status": status,
                         "confirmation": None if status == "pending" else callback_message(t)})


@require_http_methods(["GET"])
def transactions(request: HttpRequest) -> JsonResponse:
    rows = Transaction.objects.order_by("pk")
    if request.GET.get("reference"):
        rows = rows.filter(reference=request.GET["reference"])
    return JsonResponse({"transactions": [
        {"reference": t.reference, "partnerCode": t.partner_code, "amount": t.amount,
         "status": t.status, "transactionNo": t.transaction_no, "receipt": t.receipt,
         "channel": t.channel, "ip": t.ip, "time": t.init_time, "callbacks": t.callbacks,
         "paymentUrl": _pay_url(t)}
        for t in rows]})
