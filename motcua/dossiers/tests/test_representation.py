"""Who files for whom (issue 9: a citizen filed under someone else's name and ID number). A
signed-in citizen files for themselves, with their account's ID, or as a representative who
declares the relationship and attaches the document proving it. The counter enters anyone."""

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    Representation,
    Status,
)
from motcua.dossiers.slips import render_html, render_slip
from motcua.dossiers.tests.factories import (
    at,
    online,
    own,
    person,
    submission,
    upload_declared,
)
from motcua.dossiers.tests.test_api import payload
from motcua.dossiers.tests.test_slips import pdf_text
from motcua.org.models import Role, User
from motcua.tests.builders import PASSWORD, citizen, staff

pytestmark = pytest.mark.django_db

STRANGER_ID = "001203009876"  # a valid ID number that is neither test citizen's
COMPANY_TAX = "0101234565"


def counts() -> tuple[int, ...]:
    return (Dossier.objects.count(), DossierComponent.objects.count(),
            DossierFile.objects.count(), DossierEvent.objects.count(),
            DailySequence.objects.count())


def post(api, user, body, path="/api/v1/dossiers"):
    api.force_authenticate(user)
    return api.post(path, body, format="json")


def refused(response, code):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code, response.json()
    return response.json()


def applicant(org, **over):
    body = {"kind": "person", "name": "Nguyễn Văn An", "id_number": "037095001234",
            "commune_code": org.commune_a.code}
    body.update(over)
    return body


def with_authorization(org, procedure, **component):
    first = procedure.versions.get().components.first().id
    return [{"requirement_id": first}, {"authorization": True, **component}]


# -- filing for oneself ----------------------------------------------------------------------


def test_a_citizen_filing_for_themselves_with_another_id_is_refused(api, org, procedure):
    before = counts()
    body = payload(org, procedure, applicant=applicant(org, name="Hoàng Thị Lan",
                                                      id_number="036198004321"))
    problem = refused(post(api, org.citizen, body), "applicant_id_number")
    assert "representative_relationship" in problem["detail"]
    assert counts() == before


def test_a_citizen_filing_for_themselves_gets_the_accounts_id(api, org, procedure):
    response = post(api, org.citizen, payload(org, procedure,
                                              applicant=applicant(org, id_number="")))
    assert response.status_code == 201, response.content
    shown = response.json()["applicant"]
    assert shown["id_number"] == org.citizen.national_id
    assert shown["representative_relationship"] == shown["representative_id_number"] == ""


def test_an_account_without_an_id_number_cannot_file_for_a_person_as_itself(api, org,
                                                                          procedure):
    nameless = User.objects.create_user("no.id", password=PASSWORD, kind=User.Kind.CITIZEN,
                                        full_name="Phan Thị Hoa")
    body = payload(org, procedure, applicant=applicant(org, name="Phan Thị Hoa",
                                                      id_number=STRANGER_ID))
    refused(post(api, nameless, body), "applicant_id_number")
    assert not Dossier.objects.exists()


def test_a_representative_must_say_how_they_represent(api, org, procedure):
    body = payload(org, procedure, applicant=applicant(
        org, name="Hoàng Thị Lan", id_number="036198004321",
        representative_name="Nguyễn Văn An"))
    refused(post(api, org.citizen, body), "representative_relationship")
    assert not Dossier.objects.exists()


# -- filing as a representative --------------------------------------------------------------


def test_a_representative_without_the_authorization_document_is_refused(api, org, procedure):
    before = counts()
    body = payload(org, procedure, applicant=applicant(
        org, name="Hoàng Thị Lan", id_number="036198004321",
        representative_relationship="authorized"))
    problem = refused(post(api, org.citizen, body), "missing_components")
    assert problem["missing"] == [{"requirement_id": None, "name": "Văn bản ủy quyền"}]
    assert "“Văn bản ủy quyền”" in problem["detail"]
    assert counts() == before


def test_a_representative_with_the_authorization_document_files_for_someone_else(api, org,
                                                                                 procedure):
    body = payload(org, procedure, applicant=applicant(
        org, name="Hoàng Thị Lan", id_number="036198004321",
        representative_relationship="authorized"),
        components=with_authorization(org, procedure, source="reused",
                                      reference="000.01.20.H40-260105-0003"))
    response = post(api, org.citizen, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["applicant"]["name"] == "Hoàng Thị Lan"
    assert created["applicant"]["id_number"] == "036198004321"
    # the representative is the account's holder, with its name and ID number
    assert created["applicant"]["representative_name"] == "Nguyễn Văn An"
    assert created["applicant"]["representative_relationship"] == "authorized"
    assert created["applicant"]["representative_id_number"] == "037095001234"
    proof = created["components"][1]
    assert proof["authorization"] and proof["name"] == "Văn bản ủy quyền"
    assert proof["source"] == "reused"
    code = created["code"]
    # the representative and the applicant read it; nobody else
    api.force_authenticate(org.citizen)
    assert api.get(f"/api/v1/dossiers/{code}").status_code == 200
    api.force_authenticate(org.other_citizen)
    assert api.get(f"/api/v1/dossiers/{code}").json()["applicant"]["representative_name"] \
        == "Nguyễn Văn An"
    assert api.get("/api/v1/dossiers").json()["count"] == 1
    stranger = citizen("citizen3", "Đỗ Minh Khoa", STRANGER_ID)
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert api.get("/api/v1/dossiers").json()["count"] == 0


def test_the_procedures_own_authorization_component_may_carry_the_mark(api, org, procedure):
    version = procedure.versions.get()
    own_form = version.components.create(position=3, name="Văn bản ủy quyền (chứng thực)",
                                         required=False)
    body = payload(org, procedure, applicant=applicant(
        org, name="Hoàng Thị Lan", id_number="036198004321",
        representative_relationship="authorized"),
        components=[{"requirement_id": version.components.first().id},
                    {"requirement_id": own_form.id, "authorization": True}])
    response = post(api, org.citizen, body)
    assert response.status_code == 201, response.content
    assert response.json()["components"][1]["name"] == "Văn bản ủy quyền (chứng thực)"


@pytest.mark.parametrize("over,code", [
    ({"representative_id_number": STRANGER_ID}, "representative_id_number"),
    ({"representative_name": "Trần Văn Bình"}, "representative_name"),
    ({"name": "Nguyễn Văn An", "id_number": "037095001234"}, "representative_relationship"),
    ({"representative_relationship": "uncle"}, "invalid"),
])
def test_a_representative_is_the_accounts_holder_for_someone_else(api, org, procedure, over,
                                                                   code):
    fields = {"name": "Hoàng Thị Lan", "id_number": "036198004321",
              "representative_relationship": "authorized", **over}
    body = payload(org, procedure, applicant=applicant(org, **fields),
                   components=with_authorization(org, procedure))
    refused(post(api, org.citizen, body), code)
    assert not Dossier.objects.exists()


def test_an_organisation_is_represented_by_its_legal_representative_not_a_guardian(
        api, org, procedure):
    version = procedure.versions.get()
    version.applicant_types = ["person", "org"]
    version.save()
    company = {"kind": "org", "name": "Công ty TNHH Hoa Lư", "tax_code": COMPANY_TAX,
               "commune_code": org.commune_a.code}
    guardian = payload(org, procedure, applicant={
        **company, "representative_relationship": "guardian"},
        components=with_authorization(org, procedure))
    refused(post(api, org.citizen, guardian), "representative_relationship")
    alone = payload(org, procedure, applicant=company)  # a personal account, no relationship
    refused(post(api, org.citizen, alone), "applicant_tax_code")
    legal = payload(org, procedure, applicant={
        **company, "representative_relationship": "legal_representative"},
        components=with_authorization(org, procedure, source="national"))
    response = post(api, org.citizen, legal)
    assert response.status_code == 201, response.content
    assert response.json()["components"][1]["name"] == \
        "Giấy tờ chứng minh tư cách người đại diện theo pháp luật"
    # the company's own account files for it as itself, and reads what was filed for it
    business = User.objects.create_user("hoalu.co", password=PASSWORD, kind=User.Kind.CITIZEN,
                                        full_name="Công ty TNHH Hoa Lư", tax_code=COMPANY_TAX)
    response = post(api, business, payload(org, procedure,
                                           applicant={**company, "tax_code": ""}))
    assert response.status_code == 201, response.content
    assert response.json()["applicant"]["tax_code"] == COMPANY_TAX  # from the account
    assert api.get("/api/v1/dossiers").json()["count"] == 2


# -- the counter and integrating systems -----------------------------------------------------


def test_the_counter_officer_enters_anyone(api, org, procedure):
    body = payload(org, procedure, decision="receive", applicant=applicant(
        org, name="Đỗ Minh Khoa", id_number=STRANGER_ID, representative_name="Trần Văn Bình",
        representative_relationship="authorized", representative_id_number="036198004321"))
    response = post(api, org.officer_a, body, "/api/v1/counter/dossiers")
    assert response.status_code == 201, response.content
    shown = response.json()["applicant"]
    assert (shown["name"], shown["representative_name"], shown["representative_id_number"]) \
        == ("Đỗ Minh Khoa", "Trần Văn Bình", "036198004321")
    assert response.json()["status"]["code"] == Status.RECEIVED
    # a relationship needs the representative's name
    unnamed = payload(org, procedure, decision="receive", applicant=applicant(
        org, representative_relationship="guardian"))
    refused(post(api, org.officer_a, unnamed, "/api/v1/counter/dossiers"), "representative_name")
    # the ID numbers are checked as before
    bad = payload(org, procedure, decision="receive",
                  applicant=applicant(org, id_number="123"))
    refused(post(api, org.officer_a, bad, "/api/v1/counter/dossiers"), "applicant_id_number")
    bad = payload(org, procedure, decision="receive", applicant=applicant(
        org, representative_name="Trần Văn Bình", representative_id_number="123",
        representative_relationship="authorized"))
    refused(post(api, org.officer_a, bad, "/api/v1/counter/dossiers"),
            "representative_id_number")
    # the applicant reads the dossier filed for them at the counter
    stranger = citizen("citizen3", "Đỗ Minh Khoa", STRANGER_ID)
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/dossiers/{response.json()['code']}").status_code == 200
    api.force_authenticate(org.citizen)
    assert api.get(f"/api/v1/dossiers/{response.json()['code']}").status_code == 404


def test_an_integrating_system_files_for_the_applicants_it_identified(api, org, procedure):
    body = payload(org, procedure, applicant=applicant(org, name="Đỗ Minh Khoa",
                                                      id_number=STRANGER_ID))
    response = post(api, org.system, body)
    assert response.status_code == 201, response.content
    # still online: every required component
    refused(post(api, org.system, payload(org, procedure, components=[])), "missing_components")


def test_a_citizen_cannot_read_a_dossier_filed_by_someone_else(api, org, procedure):
    theirs = actions.submit(submission(org, procedure, applicant=own(org.other_citizen)),
                            account=org.other_citizen, now=at("09:00 16/11/2026"))
    api.force_authenticate(org.citizen)
    assert api.get(f"/api/v1/dossiers/{theirs.code}").status_code == 404
    assert api.get("/api/v1/dossiers").json()["count"] == 0
    assert api.post(f"/api/v1/dossiers/{theirs.code}/actions/withdraw",
                    {"reason": "Không cần nữa"}, format="json").status_code == 404


def test_the_applicant_reads_but_only_the_filing_account_acts(api, org, procedure):
    d = actions.submit(submission(org, procedure, authorization=True,
                                  applicant=own(org.other_citizen,
                                                representative_relationship="authorized")),
                       account=org.citizen, now=at("09:00 16/11/2026"))
    api.force_authenticate(org.other_citizen)
    detail = api.get(f"/api/v1/dossiers/{d.code}").json()
    assert detail["allowed_actions"] == []
    response = api.post(f"/api/v1/dossiers/{d.code}/actions/withdraw",
                        {"reason": "Không cần nữa"}, format="json")
    assert response.status_code == 403
    api.force_authenticate(org.citizen)
    assert "withdraw" in api.get(f"/api/v1/dossiers/{d.code}").json()["allowed_actions"]


# -- the receipt slip ------------------------------------------------------------------------


def test_form_01_names_the_representative_and_how_they_represent(org, procedure):
    d = actions.submit(submission(org, procedure, authorization=True,
                                  applicant=person(name="Hoàng Thị Lan",
                                                   id_number="036198004321",
                                                   representative_relationship="guardian")),
                       account=org.citizen, now=at("09:00 16/11/2026"))
    d = upload_declared(d, org.citizen, at("09:05 16/11/2026"))  # the form, and the proof
    assert d.files.count() == 2
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    assert d.representative_relationship == Representation.GUARDIAN
    html = render_html(Dossier.objects.get(pk=d.pk), "01")
    assert ("Hoàng Thị Lan</span> (người đại diện: Nguyễn Văn An, người giám hộ; "
            "số định danh cá nhân: 037095001234)") in html
    assert '<div class="name">Nguyễn Văn An</div>' in html  # who filed signs
    assert "Giấy tờ chứng minh việc giám hộ" in html  # the component proving it


# -- the supplement request and the refusal (Forms 02 and 03) ---------------------------------

GUARDED = "Hoàng Thị Lan (người đại diện: Nguyễn Văn An, người giám hộ; số định danh cá nhân: " \
    "037095001234)"


def guarded(org, procedure, **kw) -> Dossier:
    """Filed online by the test citizen as the guardian of Hoàng Thị Lan."""
    return online(org, procedure, at("09:00 16/11/2026"), authorization=True,
                  applicant=person(name="Hoàng Thị Lan", id_number="036198004321",
                                   representative_relationship="guardian"), **kw)


def test_form_02_names_the_representative_before_and_after_receipt(org, procedure):
    d = guarded(org, procedure, files=False)
    actions.perform(d, "request_supplement", org.officer_a, now=at("10:00 16/11/2026"),
                    items=[{"name": "Giấy tờ chứng minh việc giám hộ",
                            "note": "Chưa tải tệp lên"}])
    text = pdf_text(render_slip(Dossier.objects.get(pk=d.pk), "02"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Tiếp nhận hồ sơ của: {GUARDED}" in text

    d = guarded(org, procedure)  # received, then asked for more by the competent agency
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    actions.perform(d, "request_supplement", org.specialist_a, now=at("14:00 16/11/2026"),
                    items=[{"name": "Bản sao Giấy khai sinh", "note": ""}])
    text = pdf_text(render_slip(Dossier.objects.get(pk=d.pk), "02"))
    assert f"Tiếp nhận hồ sơ của: {GUARDED}" in text


def test_form_03_names_the_representative_at_receipt_and_on_the_merits(org, procedure):
    d = guarded(org, procedure)
    actions.perform(d, "refuse", org.officer_a, now=at("10:00 16/11/2026"),
                    reason="Người giám hộ không đủ điều kiện theo quy định")
    text = pdf_text(render_slip(Dossier.objects.get(pk=d.pk), "03"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert f"Tiếp nhận hồ sơ của: {GUARDED}" in text

    # an organisation's legal representative, entered at the counter, refused on the merits
    company = actions.Applicant(
        kind="org", name="Công ty TNHH Xây dựng Tràng An", tax_code=COMPANY_TAX,
        commune_code=org.commune_a.code, representative_name="Trần Văn Bình",
        representative_relationship="legal_representative",
        representative_id_number="036198004321")
    procedure.versions.update(applicant_types=["person", "org"])
    d = actions.intake_at_counter(submission(org, procedure, channel=1, applicant=company),
                                  officer=org.officer_a, now=at("09:00 17/11/2026"))
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = actions.perform(d, "refuse_on_merits", head, now=at("10:00 17/11/2026"),
                        reason="Không đủ điều kiện")
    text = pdf_text(render_slip(Dossier.objects.get(pk=d.pk), "03"))
    assert ("Tiếp nhận hồ sơ của: Công ty TNHH Xây dựng Tràng An (người đại diện: Trần Văn "
            "Bình, người đại diện theo pháp luật; số định danh cá nhân: 036198004321)") in text


def test_the_slip_of_an_applicant_filing_for_themselves_names_nobody_else(org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"), applicant=own(org.citizen))
    actions.perform(d, "refuse", org.officer_a, now=at("10:00 16/11/2026"), reason="Trùng hồ sơ")
    text = pdf_text(render_slip(Dossier.objects.get(pk=d.pk), "03"))
    assert "Tiếp nhận hồ sơ của: Nguyễn Văn An Địa chỉ" in text
    assert "người đại diện" not in text
