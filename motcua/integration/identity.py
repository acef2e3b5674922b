"""Identity actions: what a dossier took from the population database or a VNeID-verified
account (index 4.5b), and the check of "filing for oneself" against the verified ID number.

- `record_dossier_identity`: one row per dossier (DossierIdentity), written in the caller's
  transaction (the counter's intake, the online submission's event); when it newly marks the
  dossier as using population data or a VNeID-verified account, it publishes
  `events.DossierIdentified` (the index counts the dossier for 4.5b).
- `on_submitted` (subscribed to dossiers' DossierSubmitted): an online dossier filed by a
  VNeID-linked account for its holder must carry the verified ID number (else the submission is
  refused and nothing is kept); a level-2 account marks the dossier VNeID-verified.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.core.events import publish
from motcua.dossiers.events import DossierSubmitted
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.integration.events import DossierIdentified
from motcua.integration.models import DossierIdentity, EIdAccount


def record_dossier_identity(dossier: Dossier, *, id_number: str, population_data_used: bool = False,
                            vneid_verified: bool = False, manual_entry: bool = False
                            ) -> DossierIdentity:
    now = timezone.now()
    row, created = DossierIdentity.objects.get_or_create(dossier=dossier, defaults={
        "id_number": id_number, "population_data_used": population_data_used,
        "vneid_verified": vneid_verified, "manual_entry": manual_entry,
        "recorded_at": now})
    was = False if created else row.identified
    if not created:
        row.population_data_used |= population_data_used
        row.vneid_verified |= vneid_verified
        row.manual_entry = row.manual_entry and not population_data_used or manual_entry
        row.save(update_fields=["population_data_used", "vneid_verified", "manual_entry"])
    if row.identified and not was:
        publish(DossierIdentified(dossier_id=dossier.pk, at=now))
    return row


def eid_of(user: object) -> EIdAccount | None:
    pk = getattr(user, "pk", None)
    return EIdAccount.objects.filter(user_id=pk).first() if pk else None


def on_submitted(event: DossierSubmitted) -> None:
    dossier = event.dossier
    if dossier.account_id is None or dossier.applicant_kind != ApplicantKind.PERSON:
        return
    eid = EIdAccount.objects.filter(user_id=dossier.account_id).first()
    if eid is None:
        return
    for_self = not dossier.representative_name
    if not for_self:
        return
    if dossier.applicant_id_number != eid.id_number:
        raise InvalidInput(
            _("Filing for yourself, the ID number must be the one VNeID verified for your "
              "account (%(number)s).") % {"number": eid.id_number},
            code="applicant_id_number")
    if eid.verified:
        record_dossier_identity(dossier, id_number=eid.id_number, vneid_verified=True)
