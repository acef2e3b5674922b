"""What the notifications app stores: staff in-app notices and the delivery rows (the outbox of
every message that leaves the system: email now, SMS and the citizen app to come)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class Notification(models.Model):
    """An in-app message to a staff member (GET /api/v1/notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("user"),
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("dossier"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread",
            ),
        ]


class Channel(models.TextChoices):
    """How a message reaches a person. Only the channels with an adapter in `channels.ADAPTERS`
    can be queued; the others are the vocabulary of the integration work to come."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    APP = "app", _("Citizen app")


class Delivery(models.Model):
    """One message to one recipient over one channel, written in the transaction of the change
    that causes it and sent by `manage.py deliver` (see `delivery.py`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254,
                                 help_text=_("email address, phone number or account"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("user account"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries",
        verbose_name=_("dossier"),
    )
    cause = models.CharField(
        _("cause"), max_length=80,
        help_text=_("what made the message, e.g. dossier-event:123; one message per cause, "
                    "channel and recipient"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["cause", "channel", "recipient"],
                                    name="delivery_once_per_cause"),
        ]
        indexes = [
            # the worker's two claim queries: pending rows that are due, leases that ran out
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                         name="delivery_pending_due"),
            models.Index(fields=["lease_until"], condition=Q(status="sending"),
                         name="delivery_lease_end"),
            models.Index(fields=["dossier", "created_at"], name="delivery_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"
