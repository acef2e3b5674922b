"""Electronic certified copies from originals ("chứng thực bản sao điện tử từ bản chính",
Decree 23/2015 as amended, Decree 45/2020 art. 27; the index's 4.6): offered by the communes
that do them (CertificationService), made by an officer of such a commune from the original
shown at the counter, signed by the commune's People's Committee (records.certified)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import AdministrativeUnit, Agency
from motcua.records.models.certificates import SigningCertificate
from motcua.records.models.files import Blob


class CertificationService(models.Model):
    """Whether a commune certifies electronic copies from originals, and its fee. Not
    offered unless an administrator says so. The fee is the deployment's to set (DOMAIN.md
    states none): empty means none is recorded on the copies."""

    unit = models.OneToOneField(AdministrativeUnit, on_delete=models.CASCADE,
                                related_name="certification_service",
                                limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
                                verbose_name=_("commune"))
    offered = models.BooleanField(_("certifies electronic copies from originals"),
                                  default=False)
    fee_vnd = models.PositiveBigIntegerField(
        _("fee per copy (VND)"), null=True, blank=True,
        help_text=_("Empty: no fee is recorded. Set it as the province's decision says."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certification of copies (per commune)")
        verbose_name_plural = _("certification of copies (per commune)")

    def __str__(self) -> str:
        return str(self.unit)


class CertifiedState(models.TextChoices):
    PENDING = "pending", _("Waiting to be signed")
    SIGNED = "signed", _("Signed")
    FAILED = "failed", _("Signing failed")


class CertifiedCopy(models.Model):
    """One electronic copy certified from its original: numbered in the commune People's
    Committee's yearly book, the original's scan (`original_blob`), and the certified copy
    (`blob`: the scan and the certification page with its QR code, signed by the commune)."""

    # the address of its public verification page (the QR code on the certification page)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("commune"))
    signer_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("certifying agency"))
    number = models.CharField(_("certification number"), max_length=40)  # "12/2026/SCT/BS"
    document_type = models.CharField(_("document type"), max_length=40)
    title = models.CharField(_("document"), max_length=500)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    owner_name = models.CharField(_("owner"), max_length=255)
    owner_key = models.CharField(_("owner's ID number or tax code"), max_length=14)
    pages = models.PositiveIntegerField(_("pages of the original"))
    fee_vnd = models.PositiveBigIntegerField(_("fee (VND)"), null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("certified by"))
    issued_at = models.DateTimeField(_("certified"))
    original_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("scan of the original"))
    original_name = models.CharField(_("scan's file name"), max_length=255)
    state = models.CharField(_("state"), max_length=8, choices=CertifiedState.choices,
                             default=CertifiedState.PENDING)
    error = models.TextField(_("last signing error"), blank=True)
    blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("signed copy"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    certificate = models.ForeignKey(SigningCertificate, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("signing certificate"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    timestamp_at = models.DateTimeField(_("time stamp"), null=True, blank=True)

    class Meta:
        verbose_name = _("electronic certified copy")
        verbose_name_plural = _("electronic certified copies")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit", "issued_at"], name="certified_unit_issued"),
                   models.Index(fields=["owner_key"], name="certified_owner")]

    def __str__(self) -> str:
        return self.number
