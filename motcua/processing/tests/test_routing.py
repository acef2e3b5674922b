"""Decree 118 routing: the competent agency by procedure level and the applicant's (or the
property's) commune, never the place of filing; and the agency of each process step."""

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers import actions, routing
from motcua.dossiers.tests.factories import at, person, submission
from motcua.tests.builders import agency, build_procedure

pytestmark = pytest.mark.django_db
NOW = at("09:00 16/11/2026")


def file_at(org, procedure, receiving, *, commune, form_data=None):
    sub = submission(org, procedure, agency=receiving, channel=1,
                     applicant=person(commune_code=commune.code))
    sub = actions.Submission(**{**sub.__dict__, "form_data": form_data or {}})
    officer = {org.center_a.pk: org.officer_a, org.center_b.pk: org.officer_b}.get(receiving.pk)
    if officer is None:  # the provincial center's officer
        from motcua.org.models import Role
        from motcua.tests.builders import staff

        officer = staff("officer.p", "Cán bộ tỉnh", receiving, Role.ONE_STOP_OFFICER)
    return actions.intake_at_counter(sub, officer=officer, now=NOW)


def test_a_commune_dossier_filed_at_the_provincial_center_goes_to_the_applicants_commune(
        org, procedure):
    d = file_at(org, procedure, org.province_center, commune=org.commune_a)
    assert d.receiving_agency == org.province_center
    assert d.handling_agency == org.pc_a


def test_filed_in_another_commune_it_still_goes_to_the_applicants_commune(org, procedure):
    d = file_at(org, procedure, org.center_b, commune=org.commune_a)
    assert d.handling_agency == org.pc_a


def test_with_a_property_commune_it_goes_to_the_propertys_commune(org, procedure):
    d = file_at(org, procedure, org.province_center, commune=org.commune_a,
                form_data={"property_commune_code": org.commune_b.code})
    assert d.handling_agency == org.pc_b


def test_an_unknown_property_commune_is_refused(org, procedure):
    with pytest.raises(InvalidInput) as refused:
        file_at(org, procedure, org.center_a, commune=org.commune_a,
                form_data={"property_commune_code": "99999"})
    assert refused.value.code == "unknown_property_commune"


def test_a_province_procedure_goes_to_the_provinces_agency_of_its_kind(org):
    proc = build_procedure(code="2.000001", name="Thủ tục cấp tỉnh", level="province")
    version = proc.versions.get()
    version.handling_agency_kind = "department"
    version.save()
    d = file_at(org, proc, org.center_b, commune=org.commune_b)
    assert d.handling_agency == org.department


def test_step_agencies_are_resolved_for_the_dossier(org, procedure):
    tax = agency("000.00.31.H40", "Chi cục Thuế", "sector", org.province)
    d = file_at(org, procedure, org.province_center, commune=org.commune_a,
                form_data={"property_commune_code": org.commune_b.code})
    assert routing.step_agency(d, "receiving") == org.province_center
    assert routing.step_agency(d, "competent") == org.pc_b
    assert routing.step_agency(d, "commune_pc") == org.pc_b  # the handling agency's kind
    assert routing.step_agency(d, "commune_center") == org.center_b  # the property's commune
    assert routing.step_agency(d, "department") == org.department
    assert routing.step_agency(d, "province_center") == org.province_center
    assert routing.step_agency(d, "code:000.00.31.H40") == tax
    assert routing.step_agency(d, "code:000.00.99.H40") is None
    assert routing.step_agency(d, "pc_office") is None


def test_a_province_procedure_goes_to_the_department_of_its_ministry(org):
    from motcua.catalog.models import Sector
    from motcua.dossiers.routing import competent_agency
    from motcua.tests.builders import agency, build_procedure

    finance = agency("000.00.10.H40", "Sở Tài chính tỉnh Ninh Bình", "department", org.province)
    land = agency("000.00.12.H40", "Sở Nông nghiệp và Môi trường tỉnh Ninh Bình", "department",
                  org.province)
    proc = build_procedure(code="1.012784", name="Tách thửa hoặc hợp thửa đất", level="province")
    proc.sector = Sector.objects.create(name="Đất đai (Nông nghiệp và Môi trường)")
    proc.save()
    version = proc.versions.get()
    version.handling_agency_kind = "department"
    version.save()
    version.refresh_from_db()
    assert competent_agency(version, org.center_a, org.commune_a) == land
    proc.sector = Sector.objects.create(name="Không rõ bộ ngành")
    proc.save()
    version.refresh_from_db()
    assert competent_agency(version, org.center_a, org.commune_a) == finance  # first by code
