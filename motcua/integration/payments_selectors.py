"""Reads about online payments: what a dossier owes, who may pay it, its payments and
receipts. Amounts come only from the catalogue (the procedure version's published fees, all
known) or from the agency's request for the financial obligation: never invented. A procedure
with a fee of unknown amount cannot be paid online."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.utils.translation import gettext as _

from motcua.catalog import fees
from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.errors import NotFound
from motcua.dossiers import policy
from motcua.dossiers.models import FINAL_STATUSES, Dossier, DossierEvent, Status
from motcua.integration.models.payments import FEES, OBLIGATION, Payment
from motcua.integration.payments import FeeLine
from motcua.org.models import User


@dataclass(frozen=True)
class Due:
    """What the dossier owes now, payable online."""

    purpose: str
    amount_vnd: int
    lines: tuple[FeeLine, ...]


def _requested(d: Dossier) -> DossierEvent | None:
    return d.events.filter(action="request_payment").order_by("-at", "-id").first()


def owed(d: Dossier) -> Due | None:
    """The agency's open request (status 6, "financial obligation due") first; otherwise the
    procedure's published fees when every amount is known and they are not all zero. None when
    nothing is owed, it is paid, or the dossier is closed."""
    if d.status in FINAL_STATUSES:
        return None
    paid = set(Payment.objects.filter(dossier=d, status=Payment.Status.SUCCEEDED)
               .values_list("purpose", flat=True))
    if d.status == Status.PAYING:
        event = _requested(d)
        amount = event.data.get("amount_vnd") if event else None
        if event is not None and isinstance(amount, int) and amount > 0 \
                and f"{OBLIGATION}{event.pk}" not in paid:
            name = event.reason or _("Fees and charges requested by the agency")
            return Due(f"{OBLIGATION}{event.pk}", amount, (FeeLine(name, amount),))
    if FEES in paid:
        return None
    lines = fees.charged(d.procedure_version.fees.all(), d.channel)
    total = fees.total(lines)
    if not total:  # unknown (None) or nothing to pay (0)
        return None
    return Due(FEES, total, tuple(FeeLine(f.name, f.amount_vnd or 0) for f in lines
                                  if f.amount_vnd))


def can_pay(user: User | AnonymousUser, d: Dossier) -> bool:
    """The applicant (or the account that filed it) pays; staff never pay from the portal."""
    return (user.is_authenticated and getattr(user, "kind", None) != User.Kind.STAFF
            and policy.can_read(user, d))


_PAYMENTS = CompiledModel(lambda pk: Payment.objects.filter(dossier_id=pk)
                          .order_by("started_at", "pk"), ID_STAND_IN)  # on every dossier page


def payments_of(d: Dossier) -> list[Payment]:
    return _PAYMENTS.all(d.pk, router.db_for_read(Payment))


def paid(d: Dossier) -> list[Payment]:
    return [p for p in payments_of(d) if p.status == Payment.Status.SUCCEEDED]


def refunds_due(d: Dossier) -> list[Payment]:
    """Payments of a fee that was paid already (the money came twice): to be refunded."""
    return [p for p in payments_of(d) if p.status == Payment.Status.REFUND_DUE]


def payment_of(d: Dossier, reference: str) -> Payment:
    """The payment `reference` of a dossier the caller already may read; NotFound else."""
    payment = Payment.objects.filter(dossier=d, reference=reference).first()
    if payment is None:
        raise NotFound(_("No payment with this reference is visible to you."))
    return payment


def receipt_of(d: Dossier, reference: str) -> Payment:
    """A succeeded payment of `d` (its electronic receipt); NotFound for anything else."""
    payment = payment_of(d, reference)
    if payment.status != Payment.Status.SUCCEEDED:
        raise NotFound(_("No payment with this reference is visible to you."))
    return payment
