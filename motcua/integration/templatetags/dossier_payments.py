"""`{% dossier_payments d as payments %}`: a dossier's online payments for the staff dossier page
(integration/includes/payments.html), the ones to refund among them."""

from __future__ import annotations

from django import template

from motcua.dossiers.models import Dossier
from motcua.integration.models import Payment
from motcua.integration.payments_selectors import payments_of

register = template.Library()


@register.simple_tag
def dossier_payments(dossier: Dossier) -> list[Payment]:
    return [p for p in payments_of(dossier) if p.status != Payment.Status.FAILED]
