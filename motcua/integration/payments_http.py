"""The payment platform over HTTP: the sandbox's (sandbox/payments) by default, PayGov's when
settings.PAYMENT_URL names it. Message fields in the platform's camelCase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from motcua.integration import http
from motcua.integration.payments import (
    CANCELLED,
    SUCCESS,
    Confirmation,
    InitMessage,
    InvalidCallback,
    StatusAnswer,
    parse_platform_time,
    platform_time,
    signature,
    signature_matches,
)

SYSTEM = "payment platform"
INIT_FIELDS = ("partnerCode", "reference", "amount", "currency", "channel", "time", "ip",
               "returnUrl", "notifyUrl")
CALLBACK_FIELDS = ("partnerCode", "reference", "transactionNo", "amount", "currency", "status",
                   "paidTime", "messageId")
QUERY_FIELDS = ("partnerCode", "reference", "time")
UNKNOWN_REFERENCE = "03"


def base_url() -> str:
    return str(settings.PAYMENT_URL) or http.sandbox_url("/payments")


def init_payload(message: InitMessage) -> dict[str, Any]:
    r = message.receipt
    body: dict[str, Any] = {
        "partnerCode": settings.PAYMENT_PARTNER_CODE, "reference": message.reference,
        "amount": message.amount_vnd, "currency": message.currency,
        "channel": message.channel, "time": platform_time(message.time), "ip": message.ip,
        "returnUrl": message.return_url, "notifyUrl": message.notify_url,
    }
    body["signature"] = signature((body[f] for f in INIT_FIELDS), settings.PAYMENT_SECRET)
    body["receipt"] = {
        "service": r.service, "procedure": r.procedure, "unit": r.unit,
        "dossierCode": r.dossier_code, "payer": r.payer,
        "fees": [{"name": f.name, "amount": f.amount_vnd} for f in r.fees],
    }
    return body


class PayGovGateway:
    def init(self, message: InitMessage) -> str:
        with http.client(base_url()) as client:
            response = http.call(SYSTEM, client, "POST", "/init", json=init_payload(message))
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200 or answer.get("code") != SUCCESS \
                or not str(answer.get("paymentUrl", "")).startswith(("http://", "https://")):
            raise http.NationalSystemUnavailable(
                SYSTEM, f"refused the payment ({response.status_code} "
                        f"{answer.get('code', '')} {answer.get('message', '')})".strip())
        return str(answer["paymentUrl"])

    def query(self, reference: str, time: dt.datetime) -> StatusAnswer:
        body: dict[str, Any] = {"partnerCode": settings.PAYMENT_PARTNER_CODE,
                                "reference": reference, "time": platform_time(time)}
        body["signature"] = signature((body[f] for f in QUERY_FIELDS), settings.PAYMENT_SECRET)
        with http.client(base_url()) as client:
            response = http.call(SYSTEM, client, "POST", "/query", json=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise http.NationalSystemUnavailable(SYSTEM, f"answered {response.status_code} "
                                                         "without a JSON object")
        if response.status_code == 404 and answer.get("code") == UNKNOWN_REFERENCE:
            return StatusAnswer(known=False)
        confirmation = answer.get("confirmation")
        if response.status_code != 200 or answer.get("code") != SUCCESS \
                or not (confirmation is None or isinstance(confirmation, dict)):
            raise http.NationalSystemUnavailable(
                SYSTEM, f"refused the query ({response.status_code} {answer.get('code', '')} "
                        f"{answer.get('message', '')})".strip())
        return StatusAnswer(known=True, confirmation=confirmation)

    def origin(self) -> str:
        parts = urlsplit(base_url())
        return f"{parts.scheme}://{parts.netloc}"

    def read_callback(self, payload: Mapping[str, Any]) -> Confirmation:
        reference = str(payload.get("reference", ""))[:64]
        message_id = str(payload.get("messageId", ""))[:100]
        missing = [f for f in (*CALLBACK_FIELDS, "signature") if f not in payload]
        if missing:
            raise InvalidCallback(f"missing {', '.join(missing)}", reference, message_id)
        if not signature_matches(payload["signature"], (payload[f] for f in CALLBACK_FIELDS),
                                 settings.PAYMENT_SECRET):
            raise InvalidCallback("wrong signature", reference, message_id)
        if payload["partnerCode"] != settings.PAYMENT_PARTNER_CODE:
            raise InvalidCallback("not addressed to this partner", reference, message_id)
        status = payload["status"]
        if status not in (SUCCESS, CANCELLED) or payload["currency"] != "VND":
            raise InvalidCallback(f"unknown status {status!r} or currency", reference,
                                  message_id)
        try:
            amount = int(payload["amount"])
            paid_at = parse_platform_time(str(payload["paidTime"])) \
                if payload["paidTime"] else None
        except (TypeError, ValueError):
            raise InvalidCallback("malformed amount or time", reference, message_id) from None
        if not message_id:
            raise InvalidCallback("no message id", reference, message_id)
        return Confirmation(reference=reference, transaction_no=str(payload["transactionNo"]),
                            amount_vnd=amount, succeeded=status == SUCCESS, paid_at=paid_at,
                            message_id=message_id, raw=dict(payload))
