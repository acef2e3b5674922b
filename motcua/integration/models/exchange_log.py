"""The exchange log: every exchange with another system that touches personal data, in either
direction (Decree 13/2023 on personal data; DOMAIN.md §7, the data-sharing platform).

Append-only: a row is written once by `integration.exchange_log.record` and never changed or
deleted through the product (the model and its query set refuse it; the admin is read-only).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeLogImmutable(Exception):
    """Raised on any attempt to change or delete an exchange log row."""


class ExchangeLogQuerySet(models.QuerySet["ExchangeLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ExchangeLogImmutable("the exchange log cannot be changed")

    def delete(self) -> NoReturn:
        raise ExchangeLogImmutable("the exchange log cannot be deleted")

    def about(self, id_number: str) -> ExchangeLogQuerySet:
        return self.filter(subject_id_number=id_number)


class ExchangeLogEntry(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "out", _("We asked another system")
        INBOUND = "in", _("Another system asked us")

    class Outcome(models.TextChoices):
        FOUND = "found", _("Data given")
        NOT_FOUND = "not_found", _("Nothing found")
        REFUSED = "refused", _("Refused")
        UNAVAILABLE = "unavailable", _("The system did not answer")

    at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    system = models.CharField(_("system"), max_length=40)  # identity.SYSTEMS
    operation = models.CharField(_("operation"), max_length=60)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("officer"))
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("citizen's account"))
    # Inbound (direction "in"): the consumer system that asked, and the person at its end on
    # whose behalf it asked, as it declared (header X-Officer of the data-sharing API).
    consumer = models.ForeignKey("integration.ConsumerSystem", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("consumer system"))
    remote_officer = models.CharField(_("officer of the consumer system"), max_length=150,
                                      blank=True, default="", db_default="")
    subject_id_number = models.CharField(_("person's ID number"), max_length=12, blank=True)
    subject_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    data = models.CharField(_("data"), max_length=300)  # the data categories, comma-separated
    purpose = models.CharField(_("purpose"), max_length=300)
    dossier_code = models.CharField(_("dossier code"), max_length=48, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)

    objects = ExchangeLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("exchange log entry")
        verbose_name_plural = _("exchange log")
        indexes = [
            models.Index(fields=["subject_id_number", "-at"], name="exchange_subject_at",
                         condition=~models.Q(subject_id_number="")),
            models.Index(fields=["system", "-at"], name="exchange_system_at"),
            models.Index(fields=["consumer", "-at"], name="exchange_consumer_at",
                         condition=models.Q(consumer__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.system} {self.operation}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ExchangeLogImmutable("the exchange log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ExchangeLogImmutable("the exchange log cannot be deleted")
