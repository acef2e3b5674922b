"""Each person's or organisation's electronic data store (DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.records.models.files import Blob


class Origin(models.TextChoices):
    DIGITIZED = "digitized", _("Digitized at a one-stop unit")
    RESULT = "result", _("Result of a dossier")
    CERTIFIED = "certified", _("Electronic certified copy")


class StoreItem(models.Model):
    """A document in its owner's store, keyed by the owner's personal ID number (12 digits) or
    tax code. Valid from `valid_from` to `valid_until` (inclusive; none: no end)."""

    owner_key = models.CharField(_("owner's ID number or tax code"), max_length=14)
    owner_name = models.CharField(_("owner"), max_length=255)
    document_type = models.CharField(_("document type"), max_length=40)
    title = models.CharField(_("document"), max_length=500)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")  # the dossier it came from
    # what it holds: "copy:<DigitizedCopy id>", "result:<ResultDocument public id>",
    # "certified:<CertifiedCopy public id>"
    source_ref = models.CharField(max_length=64, unique=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["owner_key", "document_type"], name="store_owner_type")]

    def __str__(self) -> str:
        return self.title

    def valid_on(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))
