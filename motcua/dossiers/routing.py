"""Which agency handles a dossier: by procedure level and the applicant's commune (Decree 118).

A dossier filed at any service center of the province goes to the competent agency, not to the
place it was filed. The full routing of internal processes comes with the processing app.
"""

from __future__ import annotations

from motcua.catalog.models import Level, ProcedureVersion
from motcua.org.models import AdministrativeUnit, Agency


def competent_agency(
    version: ProcedureVersion, receiving: Agency, commune: AdministrativeUnit | None
) -> Agency:
    kind = version.handling_agency_kind or Agency.Kind.COMMUNE_PC
    province = receiving.unit.province()
    candidates = Agency.objects.filter(kind=kind, is_active=True).select_related("unit")
    if version.level == Level.COMMUNE or (version.level == Level.BOTH and commune):
        unit = commune or (receiving.unit if receiving.unit.level == "commune" else None)
        if unit is not None:
            found = candidates.filter(unit=unit).order_by("code").first()
            if found:
                return found
    found = candidates.filter(unit=province).order_by("code").first()
    return found or receiving
