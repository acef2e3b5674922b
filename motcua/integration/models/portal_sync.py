"""Each dossier's sync with the National Public Service Portal (index 1.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class PortalSync(models.Model):
    """Written by the outbox worker when the portal acknowledged a message of the dossier.
    What is still on its way is in the outbox (`portal_sync.state_of`)."""

    dossier = models.OneToOneField(Dossier, primary_key=True, on_delete=models.CASCADE,
                                   related_name="portal_sync", verbose_name=_("dossier"))
    created_at = models.DateTimeField(
        _("created on the portal"), help_text=_("the portal acknowledged the first message"))
    synced_at = models.DateTimeField(_("last synced"))
    status = models.PositiveSmallIntegerField(_("status on the portal"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal sync")
        verbose_name_plural = _("portal syncs")

    def __str__(self) -> str:
        return f"{self.dossier_id} synced {self.synced_at:%Y-%m-%d %H:%M}"
