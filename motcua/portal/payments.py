"""Online payment of a dossier's fees from the applicant's dossier page, and the electronic
receipt (/ho-so-cua-toi/<code>/thanh-toan/…, /ho-so-cua-toi/<code>/bien-lai/<reference>/).

Only a person who may read the dossier (dossiers.policy) and is not staff pays it; others get
the 404 of a missing code, for the payment and for its receipt alike. What is owed comes from
integration.payments_selectors.owed; the payer leaves for the national payment platform's page
and comes back to `returned`, which shows what the platform's confirm callback recorded (the
browser's return proves nothing by itself).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.addresses import public_url
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.slips.pdf import html_to_pdf
from motcua.integration import payments, payments_actions, payments_selectors
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.models import Payment
from motcua.org.authentication import signed_in
from motcua.portal.dossier import visible


def allowing_payment_platform(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page holding the "pay online" form: its Content-Security-Policy lets that form's
    answer redirect to the payment platform's page (form-action covers redirects)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origin = payments.platform_origin()
        if origin:
            response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
        return response

    return wrapped


def payable(request: HttpRequest, code: str) -> Dossier:
    """The dossier, if this person may read it and pay for it; the same 404 otherwise."""
    d = visible(request, code)
    if not payments_selectors.can_pay(request.user, d):
        raise Http404(_("No dossier with this code is visible to you."))
    return d


def _dossier_url(d: Dossier, anchor: str = "payment") -> str:
    return reverse("portal:dossier", kwargs={"code": d.code}) + f"#{anchor}"


@login_required
@require_POST
def pay(request: HttpRequest, code: str) -> HttpResponse:
    d = payable(request, code)
    try:
        _payment, url = payments_actions.start(
            d, signed_in(request), ip=request.META.get("REMOTE_ADDR", ""),
            return_url=public_url(reverse("portal:dossier-payment-return",
                                          kwargs={"code": d.code})),
            notify_url=public_url(reverse("integration:payment-callback")))
    except payments_actions.NothingToPay as exc:
        messages.error(request, _("Nothing was done: %(why)s") % {"why": exc.detail})
        return redirect(_dossier_url(d))
    except NationalSystemUnavailable:
        messages.error(request, _("The national payment platform is not answering. Nothing "
                                  "was paid; please try again in a few minutes."))
        return redirect(_dossier_url(d))
    return redirect(url)


@login_required
def returned(request: HttpRequest, code: str) -> HttpResponse:
    """Where the platform sends the payer back (?reference=…)."""
    d = payable(request, code)
    try:
        payment = payments_selectors.payment_of(d, request.GET.get("reference", "")[:40])
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Your payment was received. Here is your electronic "
                                    "receipt."))
        return redirect("portal:dossier-receipt", code=d.code, reference=payment.reference)
    if payment.status == Payment.Status.REFUND_DUE:
        messages.warning(request, _("These fees had been paid already: this second payment "
                                    "will be refunded to you."))
    elif payment.status == Payment.Status.CANCELLED:
        messages.info(request, _("You cancelled the payment. Nothing was paid."))
    else:
        messages.info(request, _("The payment platform has not confirmed your payment yet. "
                                 "This page will show it as soon as it does."))
    return redirect(_dossier_url(d))


def _receipt(request: HttpRequest, code: str, reference: str) -> tuple[Dossier, Payment]:
    d = payable(request, code)
    try:
        return d, payments_selectors.receipt_of(d, reference)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _receipt_context(d: Dossier, payment: Payment) -> dict[str, object]:
    return {"dossier": d, "payment": payment, "version": d.procedure_version,
            "printed_at": timezone.now()}


@login_required
def receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    d, payment = _receipt(request, code, reference)
    return render(request, "portal/payment_receipt.html", _receipt_context(d, payment))


@login_required
def receipt_pdf(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    d, payment = _receipt(request, code, reference)
    html = render_to_string("integration/payments/receipt_pdf.html", _receipt_context(d, payment))
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.reference}.pdf"'
    return response
