"""The payment section of the applicant's dossier page (portal/includes/payment.html)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.catalog.selectors import fee_total
from motcua.dossiers.models import FINAL_STATUSES
from motcua.integration import payments_selectors

register = template.Library()


@register.inclusion_tag("portal/includes/payment_panel.html", takes_context=True)
def payment_panel(context: template.Context) -> dict[str, Any]:
    d = context["dossier"]
    request = context["request"]
    if not payments_selectors.can_pay(request.user, d):
        return {"shown": False}
    paid = payments_selectors.paid(d)
    refunds = payments_selectors.refunds_due(d)
    due = payments_selectors.owed(d)
    unknown_fee = (due is None and not paid and d.status not in FINAL_STATUSES
                   and fee_total(d.procedure_version, d.channel) is None
                   and d.procedure_version.fees.exists())
    return {"shown": bool(paid or due or unknown_fee or refunds), "dossier": d, "due": due,
            "paid": paid, "refunds": refunds, "unknown_fee": unknown_fee,
            "csrf_token": context.get("csrf_token")}
