"""Signed electronic results: the document a dossier's competent agency issues (a
certificate, a licence, a decision) as a PDF signed with the agency's certificate (PAdES, with
a time stamp), numbered in the agency's yearly series and owned by the applicant (personal ID
number or tax code)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.records.models.certificates import SigningCertificate


class ResultKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LICENCE = "licence", _("Licence")
    DECISION = "decision", _("Decision")


class ResultState(models.TextChoices):
    PENDING = "pending", _("Waiting to be signed")
    SIGNED = "signed", _("Signed")
    FAILED = "failed", _("Signing failed")


def result_file_path(instance: ResultDocument, filename: str) -> str:
    return f"results/{instance.issued_at:%Y/%m}/{instance.public_id}.pdf"


class ResultDocument(models.Model):
    # the address of its public verification page (printed as a QR code on the document)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="signed_results")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ResultKind.choices)
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("number and notation"), max_length=64)  # "12/GCN-UBND"
    owner_name = models.CharField(_("owner"), max_length=255)
    owner_id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    owner_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signer_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("signing agency"))
    # the leader whose approval issued it
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=8, choices=ResultState.choices,
                             default=ResultState.PENDING)
    error = models.TextField(_("last signing error"), blank=True)
    file = models.FileField(upload_to=result_file_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    certificate = models.ForeignKey(SigningCertificate, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="results")
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    timestamp_at = models.DateTimeField(_("time stamp"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signed electronic result")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["owner_id_number"], name="result_owner_id",
                         condition=~models.Q(owner_id_number="")),
            models.Index(fields=["owner_tax_code"], name="result_owner_tax",
                         condition=~models.Q(owner_tax_code="")),
        ]

    def __str__(self) -> str:
        return self.number
