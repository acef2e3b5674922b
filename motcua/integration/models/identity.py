"""What national identity data the product holds: a citizen account's VNeID proof, and what a
dossier took from the population database or a VNeID-verified account (index 4.5b)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EIdAccount(models.Model):
    """The VNeID identity behind a citizen account, as its last sign-in proved it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="eid", verbose_name=_("account"))
    subject = models.CharField(_("VNeID subject"), max_length=255, unique=True)
    id_number = models.CharField(_("verified personal ID number"), max_length=12, unique=True)
    assurance_level = models.PositiveSmallIntegerField(_("assurance level"))
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    permanent_address = models.CharField(_("permanent address"), max_length=300, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    verified_at = models.DateTimeField(_("last verified"))

    class Meta:
        verbose_name = _("VNeID identity")
        verbose_name_plural = _("VNeID identities")

    @property
    def verified(self) -> bool:
        """Level 2 (a chip card checked in person) counts as e-ID verified (index 4.5b)."""
        return self.assurance_level >= 2


class DossierIdentity(models.Model):
    """How a dossier's applicant was identified: from the population database (looked up at
    the counter or online), by a VNeID-verified account, or by hand because the population
    database did not answer (`manual_entry`)."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE,
                                   related_name="identity", verbose_name=_("dossier"))
    id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    population_data_used = models.BooleanField(_("population data used"), default=False)
    vneid_verified = models.BooleanField(_("VNeID-verified account"), default=False)
    manual_entry = models.BooleanField(
        _("entered by hand (the population database did not answer)"), default=False)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("applicant identification")
        verbose_name_plural = _("applicant identifications")

    @property
    def identified(self) -> bool:
        """Counts for index 4.5b: population data used or a VNeID-verified account."""
        return self.population_data_used or self.vneid_verified
