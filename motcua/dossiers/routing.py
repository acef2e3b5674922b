"""Which agency handles a dossier, and each step of its process (Decree 118/2025).

Competence is a per-procedure basis (`ProcedureVersion.competence_basis`): the unit where the
dossier is filed, the applicant's residence, the property's location, the place of the event,
the new residence, or a named agency. The place gives the commune (commune-level procedures:
the agency of the procedure's kind there, else the province's when the commune has none of
that kind) or the province (province-level: the only agency of that kind, or the one whose name
carries the procedure's ministry). When that does not name exactly one agency,
`competent_agency` says why and names none: the dossier waits in the receiving center's
dispatch queue for a person to route it (`actions` "route"); nothing falls back silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from motcua.catalog.models import CompetenceBasis, Level, ProcedureVersion
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

PROPERTY_COMMUNE_FIELD = "property_commune_code"
# form_data fields naming the commune a basis looks at (the applicant's own is on the form)
PLACE_FIELDS: dict[str, str] = {
    CompetenceBasis.PROPERTY: PROPERTY_COMMUNE_FIELD,
    CompetenceBasis.EVENT_PLACE: "event_commune_code",
    CompetenceBasis.NEW_RESIDENCE: "new_residence_commune_code",
}
COMMUNE_KINDS = frozenset({Agency.Kind.COMMUNE_PC, Agency.Kind.COMMUNE_CENTER})


@dataclass(frozen=True)
class Routing:
    agency: Agency | None  # None: a person routes it (the dispatch queue)
    why: str = ""  # why no agency, for the queue
    commune: AdministrativeUnit | None = None  # the commune the basis pointed to


def place_field(basis: str) -> str:
    """The form field naming the commune a competence basis looks at ("" for the others)."""
    return PLACE_FIELDS.get(basis, "")


def form_commune_code(form_data: Mapping[str, Any] | None, field: str) -> str:
    value = (form_data or {}).get(field) if field else None
    return str(value).strip() if value not in (None, "") else ""


def property_commune_code(form_data: Mapping[str, Any] | None) -> str:
    return form_commune_code(form_data, PROPERTY_COMMUNE_FIELD)


def find_commune(code: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(
        code=code, level=AdministrativeUnit.Level.COMMUNE
    ).first() if code else None


def competent_agency(
    version: ProcedureVersion, receiving: Agency, applicant_commune: AdministrativeUnit | None,
    *, place: AdministrativeUnit | None = None,
) -> Routing:
    """The competent agency for a dossier of `version` filed at `receiving` by an applicant of
    `applicant_commune`; `place` is the commune the form names for the basis (property, event,
    new residence), already checked by the caller."""
    basis = version.competence_basis
    kind = version.handling_agency_kind or Agency.Kind.COMMUNE_PC
    if basis == CompetenceBasis.NAMED_AGENCY:
        found = Agency.objects.filter(code=version.competent_agency_code, is_active=True) \
            .first() if version.competent_agency_code else None
        return Routing(found) if found else Routing(None, _(
            "The procedure names no agency that the data can tell: route it by hand."))
    if basis == CompetenceBasis.FILING_UNIT:
        filed = receiving.unit if receiving.unit.level == AdministrativeUnit.Level.COMMUNE \
            else None
        commune = filed or applicant_commune
    elif basis == CompetenceBasis.RESIDENCE:
        commune = applicant_commune
    else:
        commune = place
    if commune is None:
        return Routing(None, _("The dossier does not name the commune that decides the "
                               "competent agency (%(basis)s).")
                       % {"basis": CompetenceBasis(basis).label})
    candidates = Agency.objects.filter(kind=kind, is_active=True).select_related("unit")
    if version.level in (Level.COMMUNE, Level.BOTH):
        local = list(candidates.filter(unit=commune).order_by("code")[:2])
        if len(local) == 1:
            return Routing(local[0], commune=commune)
        if len(local) > 1:
            return Routing(None, _("Several agencies of the procedure's kind in %(commune)s.")
                           % {"commune": commune.name})
        # none of that kind in the commune (e.g. no commune police yet): the province's one
    province = commune.province()
    if province != receiving.unit.province():
        return Routing(None, _("The competent agency is in another province."))
    found = _matching_sector(list(candidates.filter(unit=province).order_by("code")), version)
    return Routing(found, commune=commune) if found else Routing(None, _(
        "No agency of the province matches the procedure's sector."))


def candidate_agencies(version: ProcedureVersion) -> list[Agency]:
    """Every agency that may be competent for `version`, whatever the place (a petition about
    the procedure names one of them): the named agency; a commune-level procedure's agencies of
    its kind in every commune and the province; a province-level one's agency as
    `competent_agency` finds it (or, when it cannot tell, all of that kind in the province)."""
    if version.competence_basis == CompetenceBasis.NAMED_AGENCY:
        return list(Agency.objects.filter(code=version.competent_agency_code, is_active=True)
                    ) if version.competent_agency_code else []
    kind = version.handling_agency_kind or Agency.Kind.COMMUNE_PC
    candidates = Agency.objects.filter(kind=kind, is_active=True).select_related("unit") \
        .order_by("name", "code")
    if version.level in (Level.COMMUNE, Level.BOTH):
        return list(candidates)
    provincial = list(candidates.filter(unit__level=AdministrativeUnit.Level.PROVINCE))
    found = _matching_sector(provincial, version)
    return [found] if found else provincial


def _matching_sector(agencies: list[Agency], version: ProcedureVersion) -> Agency | None:
    """Of the province's agencies of one kind (departments, sector agencies), the only one, or
    the one whose name carries the procedure's ministry: "Đất đai (Nông nghiệp và Môi
    trường)" goes to the Sở Nông nghiệp và Môi trường, "Lý lịch tư pháp (Công an)" to the
    Công an tỉnh. Several and none matching: None (a person decides)."""
    if len(agencies) == 1:
        return agencies[0]
    sector = version.procedure.sector.name if version.procedure.sector_id else ""
    ministry = sector[sector.rfind("(") + 1:sector.rfind(")")] if ")" in sector else sector
    wanted = fold(ministry)
    matching = [a for a in agencies if wanted and wanted in fold(a.name)]
    return matching[0] if len(matching) == 1 else None


def place_form_data(version: ProcedureVersion, commune_code: str) -> dict[str, str]:
    """The form field that names the commune for the procedure's competence basis, if any."""
    field = place_field(version.competence_basis)
    return {field: commune_code} if field and commune_code else {}


def receivable_at(version: ProcedureVersion, receiving: Agency, routing: Routing) -> bool:
    """Whether `receiving` may receive the dossier: on the province's list of procedures
    received regardless of administrative boundary any one-stop unit may; otherwise only a
    unit of the commune the competence basis points to, or of the competent agency's own
    commune or province."""
    if version.any_boundary or routing.agency is None:
        return True
    home = {routing.agency.unit_id, routing.commune.pk if routing.commune else None}
    return receiving.unit_id in home


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
