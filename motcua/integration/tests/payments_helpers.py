"""Shared builders of the payment tests: a fee-bearing procedure, a pending payment, and a
callback signed as the platform signs it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.catalog.models import Fee
from motcua.integration.models import Payment
from motcua.integration.payments import platform_time, signature
from motcua.integration.payments_http import CALLBACK_FIELDS
from motcua.tests.builders import build_procedure

FEES = (("Lệ phí cấp giấy xác nhận", 50_000), ("Phí cung cấp thông tin", 20_000))


def fee_procedure(code: str = "1.004873", fees=FEES):
    """A procedure whose version publishes `fees` (name, amount or None for unknown)."""
    procedure = build_procedure(code=code)
    version = procedure.versions.get()
    version.fees.all().delete()
    for i, (name, amount) in enumerate(fees, 1):
        Fee.objects.create(version=version, position=i, name=name, amount_vnd=amount)
    return procedure


def pending(dossier, amount: int = 70_000, reference: str = "MC261205ABCDEF0123",
            started_at: dt.datetime | None = None) -> Payment:
    return Payment.objects.create(
        reference=reference, dossier=dossier, agency_id=dossier.handling_agency_id,
        procedure_id=dossier.procedure_id, purpose="fees", amount_vnd=amount,
        lines=[{"name": n, "amount_vnd": a} for n, a in FEES], payer=dossier.account,
        payer_name=dossier.applicant_name,
        started_at=started_at or timezone.now() - dt.timedelta(minutes=1))


def callback(payment: Payment, *, status: str = "00", amount: int | None = None,
             secret: str | None = None, paid_at: dt.datetime | None = None,
             message_id: str | None = None, **changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "partnerCode": settings.PAYMENT_PARTNER_CODE, "reference": payment.reference,
        "transactionNo": "26120500001234",
        "amount": payment.amount_vnd if amount is None else amount, "currency": "VND",
        "status": status, "paidTime": platform_time(paid_at or timezone.now()),
        "messageId": message_id or f"26120500001234-{status}"}
    message.update(changes)
    message["signature"] = signature((message[f] for f in CALLBACK_FIELDS),
                                     settings.PAYMENT_SECRET if secret is None else secret)
    return message
