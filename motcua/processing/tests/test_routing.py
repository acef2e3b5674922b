"""Decree 118 routing: the competent agency by procedure level and the applicant's (or the
property's) commune, never the place of filing; and the agency of each process step."""

import pytest

from motcua.core.errors import DomainError, InvalidInput
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


def by(procedure, basis: str, **fields):
    procedure.versions.update(competence_basis=basis, **fields)
    return procedure


def test_with_a_property_commune_it_goes_to_the_propertys_commune(org, procedure):
    by(procedure, "property")
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
    by(procedure, "property")
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
    assert competent_agency(version, org.center_a, org.commune_a).agency == land
    proc.sector = Sector.objects.create(name="Không rõ bộ ngành")
    proc.save()
    version.refresh_from_db()
    unknown = competent_agency(version, org.center_a, org.commune_a)
    assert unknown.agency is None and unknown.why  # no silent first by code
    assert finance.kind == "department"


def test_each_competence_basis_looks_at_its_own_place(org, procedure):
    # the event's place (a death: the deceased's last residence), whoever files it
    by(procedure, "event_place")
    d = file_at(org, procedure, org.center_a, commune=org.commune_a,
                form_data={"event_commune_code": org.commune_b.code})
    assert d.handling_agency == org.pc_b
    # the new residence
    by(procedure, "new_residence")
    d = file_at(org, procedure, org.center_a, commune=org.commune_a,
                form_data={"new_residence_commune_code": org.commune_b.code})
    assert d.handling_agency == org.pc_b
    # the filing unit (certified copies: any commune certifies)
    by(procedure, "filing_unit")
    d = file_at(org, procedure, org.center_b, commune=org.commune_a)
    assert d.handling_agency == org.pc_b
    # a named agency
    by(procedure, "named_agency", competent_agency_code=org.pc_a.code)
    d = file_at(org, procedure, org.center_b, commune=org.commune_b)
    assert d.handling_agency == org.pc_a and d.dispatch_reason == ""


def test_a_counter_outside_the_competent_commune_refuses_a_procedure_not_on_the_list(
        org, procedure):
    by(procedure, "residence", any_boundary=False)
    with pytest.raises(InvalidInput) as refused:
        file_at(org, procedure, org.center_b, commune=org.commune_a)
    assert refused.value.code == "outside_boundary"
    assert org.pc_a.name in refused.value.detail  # where to file it instead
    d = file_at(org, procedure, org.center_a, commune=org.commune_a)
    assert d.handling_agency == org.pc_a


def test_without_a_competent_agency_the_dossier_waits_in_the_dispatch_queue(org, procedure):
    by(procedure, "event_place")  # the form names no place of the event
    d = file_at(org, procedure, org.center_a, commune=org.commune_a)
    assert d.dispatch_reason and d.handling_agency == org.center_a
    assert d.status == 2 and d.due_at is not None  # received: the clock runs meanwhile
    with pytest.raises(InvalidInput):
        actions.perform(d, "route", org.officer_a, to_agency=org.pc_b.code, reason="")
    d = actions.perform(d, "route", org.officer_a, to_agency=org.pc_b.code,
                        reason="Người mất cư trú cuối cùng tại phường Nam Định",
                        now=at("10:00 16/11/2026"))
    assert d.handling_agency == org.pc_b and d.dispatch_reason == ""
    routed = d.events.get(action="route")
    assert routed.reason.startswith("Người mất") and routed.data["to_agency"] == org.pc_b.code
    assert routed.data["queue_reason"]
    with pytest.raises(DomainError) as again:
        actions.perform(d, "route", org.officer_a, to_agency=org.pc_a.code, reason="Lại")
    assert again.value.code == "not_in_dispatch"


def test_the_dispatch_queue_lists_waiting_dossiers_for_their_center_only(api, org, procedure):
    def as_user(client, user):
        client.force_authenticate(user)
        return client

    by(procedure, "event_place")
    waiting = file_at(org, procedure, org.center_a, commune=org.commune_a)
    file_at(org, procedure, org.center_b, commune=org.commune_b)  # center B's own queue
    by(procedure, "residence")
    file_at(org, procedure, org.center_a, commune=org.commune_a)  # routed: not in the queue
    queue = as_user(api, org.officer_a).get("/api/v1/dispatch").json()
    assert [row["code"] for row in queue["results"]] == [waiting.code]
    assert queue["results"][0]["dispatch_reason"]
    assert as_user(api, org.specialist_a).get("/api/v1/dispatch").json()["results"] == []
    # routing by hand through the API; a specialist of the commune may not
    url = f"/api/v1/dossiers/{waiting.code}/actions/route"
    body = {"to_agency_code": org.pc_b.code, "reason": "Nơi chết tại phường Nam Định"}
    assert as_user(api, org.specialist_a).post(url, body, format="json").status_code in (403,
                                                                                         404)
    routed = as_user(api, org.officer_a).post(url, body, format="json")
    assert routed.status_code == 200, routed.json()
    assert routed.json()["handling_agency"]["code"] == org.pc_b.code
    assert routed.json()["dispatch_reason"] == ""
    assert as_user(api, org.officer_a).get("/api/v1/dispatch").json()["results"] == []
