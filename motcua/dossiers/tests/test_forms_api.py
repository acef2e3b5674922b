"""The forms of Circular 03/2025/TT-VPCP through the API: slip URLs, Form 07 (the book),
the letters' numbers and the place where the result is returned."""

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db


def as_user(api, user):
    api.force_authenticate(user)
    return api


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def stopped(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    actions.perform(d, "request_stop", org.citizen, reason="Tôi xin dừng giải quyết.",
                    now=at("09:30 17/11/2026"))
    actions.perform(d, "stop", head, reason="Người yêu cầu đề nghị dừng.",
                    now=at("10:00 17/11/2026"))
    return d


def test_slip_urls_follow_the_2025_numbers(api, org, procedure):
    d = stopped(org, procedure)
    as_user(api, org.officer_a)
    base = f"/api/v1/dossiers/{d.code}/slips"
    notice = api.get(f"{base}/05.pdf")
    assert notice.status_code == 200, notice.content
    assert "Mẫu số 05" in pdf_text(notice.content)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in pdf_text(notice.content).upper()
    sheet = api.get(f"{base}/06.pdf")
    assert sheet.status_code == 200
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdf_text(sheet.content)
    # the old name of the stop notice redirects for good; "05" keeps its new meaning only
    old = api.get(f"{base}/stop.pdf?download=1")
    assert old.status_code == 301
    assert old["Location"] == f"{base}/05.pdf?download=1"
    assert api.get(f"{base}/07.pdf").status_code == 404


def test_the_redirect_tells_nothing_and_the_target_still_checks_the_policy(api, org, procedure):
    d = stopped(org, procedure)
    as_user(api, org.officer_b)  # another unit's officer
    base = f"/api/v1/dossiers/{d.code}/slips"
    assert api.get(f"{base}/stop.pdf").status_code == 301
    assert api.get(f"{base}/05.pdf").status_code == 404
    assert api.get("/api/v1/dossiers/no-such-code/slips/stop.pdf").status_code == 301


@pytest.mark.parametrize("decision", ["online", "refuse"])
def test_form_01_of_a_dossier_not_received_is_refused_in_vietnamese(api, org, procedure, decision):
    from motcua.dossiers.tests.factories import online, submission

    if decision == "online":
        d = online(org, procedure, at("09:00 16/11/2026"))
    else:
        d = actions.intake_at_counter(submission(org, procedure, channel=1), officer=org.officer_a,
                                      decision="refuse", reason="Không thuộc thẩm quyền",
                                      now=at("09:00 16/11/2026"))
    as_user(api, org.officer_a)
    response = api.get(f"/api/v1/dossiers/{d.code}/slips/01.pdf")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "slip_not_applicable" and body["form"] == "01"
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in body["detail"]
    assert api.get(f"/api/v1/dossiers/{d.code}").json()["tracking_book"] is None


# -- where the result is returned -----------------------------------------------------------


def payload(org, procedure, **over):
    body = {
        "procedure_code": procedure.code,
        "receiving_agency_code": org.center_a.code,
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "037095001234",
                      "commune_code": org.commune_a.code, "phone": "0912345678",
                      "address": "Số 12 đường Trần Hưng Đạo"},
        "components": [{"requirement_id": procedure.versions.get().components.first().id}],
    }
    body.update(over)
    return body


def test_the_result_is_returned_at_the_receiving_unit_by_default(api, org, procedure):
    as_user(api, org.citizen)
    created = api.post("/api/v1/dossiers", payload(org, procedure), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["result_return"] == {
        "method": "unit", "agency": {"code": org.center_a.code, "name": org.center_a.name},
        "address": ""}


@pytest.mark.parametrize("choice, expected, printed", [
    ({"method": "postal", "address": "Thôn Đông, xã Gia Viễn"},
     {"method": "postal", "agency": None, "address": "Thôn Đông, xã Gia Viễn"},
     "Qua dịch vụ bưu chính công ích, địa chỉ: Thôn Đông, xã Gia Viễn"),
    ({"method": "postal"},  # the applicant's own address
     {"method": "postal", "agency": None, "address": "Số 12 đường Trần Hưng Đạo"},
     "Qua dịch vụ bưu chính công ích, địa chỉ: Số 12 đường Trần Hưng Đạo"),
    ({"method": "online"}, {"method": "online", "agency": None, "address": ""}, "Trực tuyến"),
])
def test_by_post_or_online_is_recorded_and_printed_on_form_01(api, org, procedure, choice,
                                                              expected, printed):
    as_user(api, org.officer_a)
    body = payload(org, procedure, result_return=choice, decision="receive")
    created = api.post("/api/v1/counter/dossiers", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["result_return"] == expected
    slip = api.get(f"/api/v1/dossiers/{created.json()['code']}/slips/01.pdf")
    assert f"Đăng ký nhận kết quả tại: {printed}" in pdf_text(slip.content)


@pytest.mark.parametrize("choice, code", [
    ({"method": "drone"}, None),  # the serializer's choice field
    ({"method": "unit", "agency_code": "000.99.99.H40"}, "return_agency"),
    ({"method": "unit", "agency_code": "pc_a"}, "return_agency"),  # does not receive dossiers
    ({"method": "unit", "agency_code": "other_province"}, "return_agency"),
    ({"method": "unit", "agency_code": "inactive"}, "return_agency"),
])
def test_a_bad_choice_is_a_400_and_writes_nothing(api, org, procedure, choice, code):
    from motcua.dossiers.models import Dossier
    from motcua.tests.builders import agency, unit

    if choice.get("agency_code") == "pc_a":
        choice["agency_code"] = org.pc_a.code
    elif choice.get("agency_code") == "other_province":
        hanoi = unit("01", "Hà Nội", "province")
        choice["agency_code"] = agency("000.00.01.H26", "Trung tâm Phục vụ hành chính công "
                                       "thành phố Hà Nội", "province_center", hanoi).code
    elif choice.get("agency_code") == "inactive":
        org.center_b.is_active = False
        org.center_b.save()
        choice["agency_code"] = org.center_b.code
    as_user(api, org.citizen)
    response = api.post("/api/v1/dossiers", payload(org, procedure, result_return=choice),
                        format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    if code:
        assert response.json()["code"] == code
    assert not Dossier.objects.exists()


def test_postal_return_without_any_address_is_refused(api, org, procedure):
    body = payload(org, procedure, result_return={"method": "postal"})
    body["applicant"]["address"] = ""
    as_user(api, org.citizen)
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "return_address"


def test_returning_at_another_unit_of_the_province(api, org, procedure):
    as_user(api, org.officer_a)
    body = payload(org, procedure, decision="receive",
                   result_return={"method": "unit", "agency_code": org.center_b.code})
    created = api.post("/api/v1/counter/dossiers", body, format="json").json()
    code = created["code"]
    assert created["result_return"]["agency"]["code"] == org.center_b.code
    assert f"Đăng ký nhận kết quả tại: {org.center_b.name}" in pdf_text(
        api.get(f"/api/v1/dossiers/{code}/slips/01.pdf").content)
    from motcua.dossiers.models import Dossier

    d = actions.perform(Dossier.objects.get(code=code), "start_processing", org.specialist_a)
    actions.perform(d, "mark_result_ready", org.specialist_a)

    # an officer of a third unit may neither see nor return it
    from motcua.tests.builders import agency

    center_c = agency("000.03.20.H40", "Trung tâm Phục vụ hành chính công phường Tam Điệp",
                      "commune_center", org.commune_b)
    officer_c = staff("officer.c", "Mai Văn Cường", center_c, Role.ONE_STOP_OFFICER)
    as_user(api, officer_c)
    url = f"/api/v1/dossiers/{code}/actions/return_result"
    assert api.post(url, {}, format="json").status_code == 404
    # the specialist of the handling agency is not a one-stop officer of the return unit
    as_user(api, org.specialist_a)
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "action_not_allowed"
    # the chosen unit's officer sees the dossier, is offered the action, and returns it
    as_user(api, org.officer_b)
    seen = api.get(f"/api/v1/dossiers/{code}")
    assert seen.status_code == 200 and "return_result" in seen.json()["allowed_actions"]
    assert code in [d["code"] for d in api.get("/api/v1/dossiers").json()["results"]]
    done = api.post(url, {"note": "Trả tại Nam Định"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"]["code"] == 10
    assert Dossier.objects.get(code=code).events.get(action="return_result").agency == org.center_b
