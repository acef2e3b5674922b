"""Which agency handles a dossier, and each step of its process (Decree 118).

A dossier filed at any service center of the province goes to the competent agency by the
procedure's level and the place the dossier is about: the property's commune when the form
names one (`form_data.property_commune_code`: land, construction), else the applicant's
commune. Never the place it was filed, except for a commune procedure whose dossier names no
commune at all, where the filing commune is the only place known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from motcua.catalog.models import Level, ProcedureVersion
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

PROPERTY_COMMUNE_FIELD = "property_commune_code"
COMMUNE_KINDS = frozenset({Agency.Kind.COMMUNE_PC, Agency.Kind.COMMUNE_CENTER})


def property_commune_code(form_data: Mapping[str, Any] | None) -> str:
    value = (form_data or {}).get(PROPERTY_COMMUNE_FIELD)
    return str(value).strip() if value not in (None, "") else ""


def find_commune(code: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(
        code=code, level=AdministrativeUnit.Level.COMMUNE
    ).first() if code else None


def competent_agency(
    version: ProcedureVersion, receiving: Agency, commune: AdministrativeUnit | None,
    *, property_commune: AdministrativeUnit | None = None,
) -> Agency:
    """The agency that handles a dossier of `version`, filed at `receiving`, by an applicant
    living in `commune`, about a property in `property_commune` (which wins when given)."""
    kind = version.handling_agency_kind or Agency.Kind.COMMUNE_PC
    place = property_commune or commune
    province = place.province() if place is not None else receiving.unit.province()
    candidates = Agency.objects.filter(kind=kind, is_active=True).select_related("unit")
    if version.level == Level.COMMUNE or (version.level == Level.BOTH and place):
        unit = place or (receiving.unit if receiving.unit.level == "commune" else None)
        if unit is not None:
            found = candidates.filter(unit=unit).order_by("code").first()
            if found:
                return found
    in_province = list(candidates.filter(unit=province).order_by("code"))
    return _matching_sector(in_province, version) or receiving


def _matching_sector(agencies: list[Agency], version: ProcedureVersion) -> Agency | None:
    """Of several province agencies of one kind (departments, sector agencies), the one whose
    name carries the procedure's ministry: "Đất đai (Nông nghiệp và Môi trường)" goes to the
    Sở Nông nghiệp và Môi trường, "Lý lịch tư pháp (Công an)" to the Công an tỉnh. Without a
    match, the first by code."""
    sector = version.procedure.sector.name if version.procedure.sector_id else ""
    ministry = sector[sector.rfind("(") + 1:sector.rfind(")")] if ")" in sector else sector
    wanted = fold(ministry)
    for agency in agencies:
        if wanted and wanted in fold(agency.name):
            return agency
    return agencies[0] if agencies else None


def place_of(dossier: Dossier) -> AdministrativeUnit | None:
    """The commune a dossier is about: the property's, else the applicant's, else the commune
    of its handling agency."""
    found = find_commune(property_commune_code(dossier.form_data))
    if found is None and dossier.applicant_commune_id:
        found = dossier.applicant_commune
    if found is None and dossier.handling_agency.unit.level == AdministrativeUnit.Level.COMMUNE:
        found = dossier.handling_agency.unit
    return found


def step_agency(dossier: Dossier, selector: str) -> Agency | None:
    """The agency a process step's `agency` selector designates for this dossier.

    receiving → where it was filed; competent → its handling agency; code:X → the agency
    holding code X (or formerly holding it); an agency kind → the handling or receiving agency
    when it is of that kind, else the active agency of that kind in the dossier's commune
    (commune kinds) or in its province. None when no active agency matches.
    """
    if selector == "receiving":
        return dossier.receiving_agency
    if selector == "competent":
        return dossier.handling_agency
    if selector.startswith("code:"):
        try:
            agency = Agency.objects.by_code(selector[5:])
        except Agency.DoesNotExist:
            return None
        return agency if agency.is_active else None
    for own in (dossier.handling_agency, dossier.receiving_agency):
        if own.kind == selector and own.is_active:
            return own
    place = place_of(dossier)
    candidates = Agency.objects.filter(kind=selector, is_active=True).order_by("code")
    if selector in COMMUNE_KINDS:
        return candidates.filter(unit=place).first() if place is not None else None
    province = place.province() if place is not None else dossier.receiving_agency.unit.province()
    return candidates.filter(unit=province).first()
