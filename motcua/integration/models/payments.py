"""Online payments of a dossier's fees through the national payment platform (DOMAIN.md §7).

`Payment`: one row per attempt, keyed by the reference sent in the INIT message; it becomes
`succeeded` (the dossier was paid online: index 3.4–3.6) or `cancelled` only through a
confirmation that passed `payments_actions.confirm` (the platform's callback, or its answer to
our status query when the callback did not come). An attempt confirmed paid for a fee another
attempt had paid already is `refund_due` (`duplicate_of` names the first): the money came twice,
the fee counts once, and the staff see it to refund. `PaymentCallback`: every inbound
confirmation, accepted or refused with its reason (a forged, replayed, stale or mismatched one
is refused, logged here and changes nothing else).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency

FEES = "fees"  # the procedure's published fees
OBLIGATION = "obligation:"  # + the timeline event of the agency's request_payment


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payment platform")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Not started: the payment platform did not answer")
        REFUND_DUE = "refund_due", _("Paid twice: to be refunded")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("dossier"))
    # The dossier's handling agency and procedure when the payment started: the index (3.5,
    # 3.6) counts payments by them without reading the dossiers.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("collecting unit"))
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("procedure"))
    purpose = models.CharField(_("purpose"), max_length=40,
                               help_text=_("“fees” (the procedure's fees) or the agency's "
                                           "request for the financial obligation"))
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    lines = models.JSONField(_("receipt lines"), default=list)  # [{"name", "amount_vnd"}]
    online = models.BooleanField(_("paid online"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("payer's account"))
    payer_name = models.CharField(_("payer"), max_length=255)
    payer_ip = models.GenericIPAddressField(_("payer's IP address"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    succeeded_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    transaction_no = models.CharField(_("platform's transaction number"), max_length=40,
                                      blank=True)
    error = models.TextField(_("error"), blank=True)
    # refund_due: the payment of the same fee that came first (this one is to be refunded)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("duplicate of"))
    # when the platform was last asked about this pending payment (status query)
    queried_at = models.DateTimeField(_("last status query"), null=True, blank=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["dossier", "status"], name="payment_dossier_status"),
            # the index's read: the payments that succeeded in a period
            models.Index(fields=["succeeded_at", "agency"], condition=Q(status="succeeded"),
                         name="payment_succeeded"),
            # the status query's read: the attempts still waiting for the platform
            models.Index(fields=["started_at"], condition=Q(status="pending"),
                         name="payment_pending"),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentCallback(models.Model):
    """An inbound confirm callback and what was decided about it (append-only log)."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    class Via(models.TextChoices):
        CALLBACK = "callback", _("The platform's callback")
        QUERY = "query", _("Our status query")

    received_at = models.DateTimeField(_("received at"))
    remote_addr = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    message_id = models.CharField(_("message id"), max_length=100, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    via = models.CharField(_("received through"), max_length=10, choices=Via.choices,
                           default=Via.CALLBACK, db_default=Via.CALLBACK)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    payload = models.JSONField(_("message"), default=dict)  # no personal data in a callback

    class Meta:
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A message is acted on once: the replay of an accepted one is refused.
            models.UniqueConstraint(fields=["message_id"], condition=Q(verdict="accepted"),
                                    name="payment_callback_once"),
        ]
        indexes = [models.Index(fields=["reference"], name="payment_callback_reference")]

    def __str__(self) -> str:
        return f"{self.verdict}: {self.reference} {self.reason}"
