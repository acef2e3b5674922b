"""The signing certificates of the agencies: which certificate, issued by the (development)
CA, signs for which agency, where its private key lives, and whether it was revoked.

The registry is what the verification page trusts: a signature whose certificate is not here
(or does not chain to the CA) is unknown, one whose certificate is revoked is invalid."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency


class SigningCertificateQuerySet(models.QuerySet["SigningCertificate"]):
    def usable(self) -> SigningCertificateQuerySet:
        return self.filter(revoked_at__isnull=True)


class SigningCertificate(models.Model):
    class KeyStore(models.TextChoices):
        FILE = "file", _("Key file")
        PKCS11 = "pkcs11", _("PKCS#11 token")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                               related_name="signing_certificates", verbose_name=_("agency"))
    subject = models.CharField(_("subject"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=64)  # hex
    # SHA-256 of the DER certificate, hex: how a signature's certificate is found here
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    pem = models.TextField(_("certificate (PEM)"))
    key_store = models.CharField(_("key store"), max_length=8, choices=KeyStore.choices)
    # file: the key file's path relative to SIGNING_PKI_DIR; pkcs11: the key's label on the token
    key_ref = models.CharField(_("key reference"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=255, blank=True)

    objects = SigningCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing certificate")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "revoked_at"], name="signcert_agency")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"
