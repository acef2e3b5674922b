"""Digitization at the counter: the electronic copy of each paper component, and the state of
each dossier (DOMAIN.md §6; the index's 4.2 and the national sync read them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.org.models import Agency
from motcua.records.models.certificates import SigningCertificate
from motcua.records.models.files import Blob


class DigitizedCopy(models.Model):
    """The electronic copy of a paper component, scanned or uploaded by the one-stop officer
    and tagged with what the document is. The one-stop unit signs it (PAdES, its certificate,
    a time stamp; records.copy_signing, a task enqueued when the digitization commits):
    `signed_blob` is the signed PDF (an image scanned is wrapped in a PDF first), `signed_at`
    when (records.digitization.mark_signed). `sign_error`: why the last try failed."""

    component = models.OneToOneField(DossierComponent, on_delete=models.CASCADE,
                                     related_name="digitized_copy")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    document_type = models.CharField(_("document type"), max_length=40)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    owner_name = models.CharField(_("owner"), max_length=255)
    # the owner's store key: a 12-digit personal ID number, or a tax code
    owner_key = models.CharField(_("owner's ID number or tax code"), max_length=14)
    digitized_at = models.DateTimeField()
    digitized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.PROTECT, related_name="+")
    # the signed copy (PAdES by the one-stop unit), once signed
    signed_blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    certificate = models.ForeignKey(SigningCertificate, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    timestamp_at = models.DateTimeField(null=True, blank=True)
    sign_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["dossier"], name="digitized_copy_dossier")]

    @property
    def current_blob_id(self) -> int:
        """The file to serve: the signed copy once there is one."""
        return self.signed_blob_id or self.blob_id


class DigitizationState(models.TextChoices):
    NONE = "none", _("Not digitized")
    PARTIAL = "partial", _("Partly digitized")
    COMPLETE = "complete", _("Digitized")


class DossierDigitizationQuerySet(models.QuerySet["DossierDigitization"]):
    def digitized(self) -> DossierDigitizationQuerySet:
        """The dossiers digitized, components and result (the index's 4.2)."""
        return self.filter(complete_at__isnull=False)


class DossierDigitization(models.Model):
    """A dossier's digitization state, kept by every digitization, every signed copy and its
    signed result (records.digitization.refresh_state): what the national sync carries and
    the index reads, without counting rows each time.

    `state` is the components': `complete` once every component handed in on paper has its
    electronic copy. `signed_components`: the copies the one-stop unit signed.
    `result_signed_at`: when its electronic result was signed. `complete_at`: when the dossier
    was first digitized, components and result (every paper component's copy signed, and the
    result signed: the index's 4.2)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True,
                                   related_name="digitization")
    state = models.CharField(max_length=10, choices=DigitizationState.choices,
                             default=DigitizationState.NONE)
    paper_components = models.PositiveIntegerField(default=0)
    digitized_components = models.PositiveIntegerField(default=0)
    signed_components = models.PositiveIntegerField(default=0)
    result_signed_at = models.DateTimeField(null=True, blank=True)
    complete_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    objects = DossierDigitizationQuerySet.as_manager()
