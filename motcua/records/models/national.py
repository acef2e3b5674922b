"""What went between a dossier and the national personal data store (the index's 4.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.records.models.results import ResultDocument


class DataStoreLink(models.Model):
    """A component taken from the national personal data store (`from`), or a signed result
    delivered to it (`to`: written when the national store took it, through the outbox)."""

    class Direction(models.TextChoices):
        FROM = "from", _("Component from the national data store")
        TO = "to", _("Result sent to the national data store")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    component = models.OneToOneField(DossierComponent, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    result = models.OneToOneField(ResultDocument, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["dossier", "direction"], name="datastore_link_dossier")]
        constraints = [models.CheckConstraint(
            condition=(models.Q(direction="from", component__isnull=False)
                       | models.Q(direction="to", result__isnull=False)),
            name="datastore_link_what")]
