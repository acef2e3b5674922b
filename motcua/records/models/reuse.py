"""Reuse of what the store holds on a new dossier, and documents asked for again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.records.models.store import StoreItem


class Reuse(models.Model):
    """A component of a dossier given by a document of the applicant's store (the component's
    source is `reused`, its reference `store:<item id>`)."""

    component = models.OneToOneField(DossierComponent, on_delete=models.CASCADE,
                                     related_name="reuse")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="reuses")
    at = models.DateTimeField()


class ReRequest(models.Model):
    """A document asked for again although the applicant's store holds it, valid: allowed only
    with a stated reason (DOMAIN.md §6), kept here."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    component = models.ForeignKey(DossierComponent, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                           related_name="+")
