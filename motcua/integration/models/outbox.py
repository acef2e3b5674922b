"""The outbox of messages to national systems (see `motcua.integration.outbox`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class OutboxMessage(models.Model):
    """One message to one national system, written in the transaction of the change that
    causes it and delivered by `manage.py deliver_outbox`. Messages of one `stream` (a
    dossier, a procedure) are delivered in the order of their ids, one at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed (dead letter)")

    system = models.CharField(_("national system"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)
    stream = models.CharField(
        _("stream"), max_length=80,
        help_text=_("messages of one stream (e.g. dossier:12) are delivered in order"))
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("dossier"))
    event_id = models.BigIntegerField(_("timeline event"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a national system")
        verbose_name_plural = _("messages to national systems")
        indexes = [
            # the claim: pending rows in id order; leases that ran out; what blocks a stream
            models.Index(fields=["id"], condition=Q(status="pending"), name="outbox_pending"),
            models.Index(fields=["lease_until"], condition=Q(status="sending"),
                         name="outbox_lease_end"),
            models.Index(fields=["stream", "id"], condition=~Q(status="delivered"),
                         name="outbox_undelivered"),
            models.Index(fields=["delivered_at"], condition=Q(status="delivered"),
                         name="outbox_delivered"),
            models.Index(fields=["dossier", "id"], condition=~Q(status="delivered"),
                         name="outbox_dossier_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.key}"
