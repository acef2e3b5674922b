"""The dossier API as clients use it: submission, counter intake, actions, refusals."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role, StaffRole
from motcua.tests.builders import pdf_bytes, staff

pytestmark = pytest.mark.django_db

MINIMAL_PDF = pdf_bytes()


def payload(org, procedure, **over):
    body = {
        "procedure_code": procedure.code,
        "receiving_agency_code": org.center_a.code,
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "037095001234",
                      "commune_code": org.commune_a.code, "phone": "0912345678"},
        "components": [{"requirement_id": procedure.versions.get().components.first().id}],
        "form_data": {"ly_do": "Kết hôn"},
    }
    body.update(over)
    return body


def as_user(api, user):
    api.force_authenticate(user)
    return api


def submit_online(api, user, body) -> dict:
    """`user` submits `body` online, then uploads a real PDF for every component that waits
    for its file (`awaiting_file`), as the portal does; the dossier's detail after that."""
    as_user(api, user)
    created = api.post("/api/v1/dossiers", body, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    for component in detail["components"]:
        if component["awaiting_file"]:
            f = io.BytesIO(MINIMAL_PDF)
            f.name = "thanh-phan.pdf"
            response = api.post(f"/api/v1/dossiers/{detail['code']}/files",
                                {"file": f, "component_id": component["id"]},
                                format="multipart")
            assert response.status_code == 201, response.content
            detail = response.json()
    return detail


def test_citizen_submits_online_and_a_retry_with_the_same_key_creates_nothing(api, org, procedure):
    as_user(api, org.citizen)
    first = api.post("/api/v1/dossiers", payload(org, procedure), format="json",
                     HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201, first.content
    assert first.json()["status"]["code"] == Status.SUBMITTED
    assert first.json()["status"]["portal"] == "receiving"
    again = api.post("/api/v1/dossiers", payload(org, procedure), format="json",
                     HTTP_IDEMPOTENCY_KEY="abc-123")
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_reusing_an_idempotency_key_for_another_request_is_refused(api, org, procedure):
    as_user(api, org.citizen)
    api.post("/api/v1/dossiers", payload(org, procedure), format="json",
             HTTP_IDEMPOTENCY_KEY="k1")
    other = payload(org, procedure, form_data={"ly_do": "Khác"})
    response = api.post("/api/v1/dossiers", other, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"procedure_code": "9.999999"}, "unknown_procedure"),
        ({"receiving_agency_code": "nope"}, "unknown_agency"),
        ({"applicant": {"kind": "person", "name": "A", "id_number": "1"}}, "applicant_id_number"),
        ({"applicant": {"kind": "person", "name": "", "id_number": "037095001234"}}, "invalid"),
        ({"components": [{"requirement_id": 999999}]}, "unknown_component"),
        ({"form_data": {"x": "y" * 70_000}}, "invalid"),
        ({"components": "not a list"}, "invalid"),
    ],
)
def test_bad_submissions_get_problem_json_and_write_nothing(api, org, procedure, change, field):
    as_user(api, org.citizen)
    response = api.post("/api/v1/dossiers", payload(org, procedure, **change), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == field
    assert not Dossier.objects.exists()


def test_submission_to_an_agency_that_does_not_receive_dossiers_is_refused(api, org, procedure):
    as_user(api, org.citizen)
    body = payload(org, procedure, receiving_agency_code=org.department.code)
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_receiving_unit"


def test_anonymous_cannot_submit(api, org, procedure):
    response = api.post("/api/v1/dossiers", payload(org, procedure), format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_counter_intake_by_the_units_officer_only(api, org, procedure):
    body = payload(org, procedure, decision="receive")
    refused = as_user(api, org.officer_b).post("/api/v1/counter/dossiers", body, format="json")
    assert refused.status_code == 403
    done = as_user(api, org.officer_a).post("/api/v1/counter/dossiers", body, format="json")
    assert done.status_code == 201
    assert done.json()["status"]["code"] == Status.RECEIVED
    assert done.json()["due_at"].endswith("+07:00")


def test_counter_intake_of_an_incomplete_dossier_issues_the_supplement_slip(api, org, procedure):
    body = payload(org, procedure, decision="supplement",
                   missing=[{"name": "Bản sao CCCD", "note": "hết hạn"}])
    response = as_user(api, org.officer_a).post("/api/v1/counter/dossiers", body, format="json")
    assert response.status_code == 201
    assert response.json()["status"]["code"] == Status.SUPPLEMENT
    assert response.json()["supplements"][0]["items"] == [{"name": "Bản sao CCCD",
                                                            "note": "hết hạn"}]


def test_officer_of_another_unit_cannot_see_the_dossier(api, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    assert as_user(api, org.officer_b).get(f"/api/v1/dossiers/{d.code}").status_code == 404
    assert as_user(api, org.officer_a).get(f"/api/v1/dossiers/{d.code}").status_code == 200
    # the commune that handles it sees it too
    assert as_user(api, org.specialist_a).get(f"/api/v1/dossiers/{d.code}").status_code == 200
    listed = as_user(api, org.officer_b).get("/api/v1/dossiers").json()
    assert listed["count"] == 0


def test_applicant_sees_only_their_own_dossiers(api, org, procedure):
    as_user(api, org.citizen)
    code = api.post("/api/v1/dossiers", payload(org, procedure), format="json").json()["code"]
    as_user(api, org.other_citizen)
    assert api.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert api.get("/api/v1/dossiers").json()["count"] == 0
    as_user(api, org.citizen)
    assert api.get("/api/v1/dossiers").json()["count"] == 1


def test_a_refused_read_is_audited(api, org, procedure):
    from motcua.core.models import AuditEvent

    d = received(org, procedure, at("09:00 16/11/2026"))
    as_user(api, org.other_citizen).get(f"/api/v1/dossiers/{d.code}")
    event = AuditEvent.objects.get(action="dossier.refused")
    assert event.actor == org.other_citizen and event.data == {"attempted": "read"}


def test_actions_through_the_api_with_refusals(api, org, procedure):
    code = submit_online(api, org.citizen, payload(org, procedure))["code"]
    url = f"/api/v1/dossiers/{code}/actions/"
    # the applicant cannot receive their own dossier
    assert api.post(url + "accept", {}, format="json").status_code == 403
    as_user(api, org.officer_a)
    accepted = api.post(url + "accept", {}, format="json")
    assert accepted.status_code == 200
    assert "start_processing" not in accepted.json()["allowed_actions"]  # not the officer's job
    # a one-stop officer may not process; the commune specialist may
    assert api.post(url + "start_processing", {}, format="json").status_code == 403
    as_user(api, org.specialist_a)
    assert api.post(url + "start_processing", {}, format="json").status_code == 200
    illegal = api.post(url + "start_processing", {}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["code"] == "illegal_transition"
    assert "mark_result_ready" in illegal.json()["allowed"]
    assert api.post(url + "teleport", {}, format="json").status_code == 404
    # stopping needs a head or leader
    assert api.post(url + "stop", {"reason": "x"}, format="json").status_code == 403
    ready = api.post(url + "mark_result_ready", {"note": "Đã ký"}, format="json")
    assert ready.json()["status"]["portal"] == "releasing"
    as_user(api, org.officer_a)
    done = api.post(url + "return_result", {}, format="json").json()
    assert done["status"]["code"] == Status.RETURNED
    assert [e["action"] for e in done["events"]] == [
        "submit", "attach_file", "accept", "start_processing", "mark_result_ready",
        "return_result"]


def test_an_input_given_by_both_its_names_is_read_once(api, org, procedure):
    """A note also accepted as "reason", given by both names, was a server error (TypeError,
    found by the schema fuzzer): the note is read, the other name only when the note is
    blank."""
    d = received(org, procedure, at("09:00 16/11/2026"))
    url = f"/api/v1/dossiers/{d.code}/actions/"
    as_user(api, org.specialist_a)
    assert api.post(url + "start_processing", {}, format="json").status_code == 200
    ready = api.post(url + "mark_result_ready", {"note": "Đã ký", "reason": "khác"},
                     format="json")
    assert ready.status_code == 200, ready.content
    assert ready.json()["events"][-1]["reason"] == "Đã ký"
    as_user(api, org.officer_a)
    done = api.post(url + "return_result", {"note": "", "reason": "Đã trả"}, format="json")
    assert done.json()["events"][-1]["reason"] == "Đã trả"


def test_a_request_is_declined_with_its_kind(api, org, procedure):
    """decline_request takes the kind of request declined (lifecycle.ACTIONS); the API's body
    had no such field, so no request could be declined through it."""
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = received(org, procedure, at("09:00 16/11/2026"))
    as_user(api, head)
    url = f"/api/v1/dossiers/{d.code}/actions/"
    assert api.post(url + "request_stop", {"reason": "Giấy tờ có dấu hiệu giả mạo"},
                    format="json").status_code == 200
    assert api.post(url + "decline_request", {"kind": "refund", "reason": "Không có căn cứ"},
                    format="json").status_code == 400
    declined = api.post(url + "decline_request", {"kind": "stop", "reason": "Không có căn cứ"},
                        format="json")
    assert declined.status_code == 200, declined.content
    assert declined.json()["requests"][0]["granted"] is False


def test_head_of_unit_may_stop_with_a_reason(api, org, procedure):
    head = staff("head.a", "Đỗ Văn Tâm", org.pc_a, Role.HEAD)
    d = received(org, procedure, at("09:00 16/11/2026"))
    as_user(api, head)
    url = f"/api/v1/dossiers/{d.code}/actions/stop"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "reason"
    no_ground = api.post(url, {"reason": "Hồ sơ giả mạo"}, format="json")
    assert no_ground.status_code in (400, 409) and no_ground.json()["code"] == "no_request"
    ground = api.post(f"/api/v1/dossiers/{d.code}/actions/request_stop",
                      {"reason": "Giấy tờ có dấu hiệu giả mạo"}, format="json")
    assert ground.status_code == 200, ground.json()
    stopped = api.post(url, {"reason": "Hồ sơ giả mạo"}, format="json")
    assert stopped.json()["status"]["code"] == Status.STOPPED


def test_role_removed_takes_effect_at_once(api, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    StaffRole.objects.filter(user=org.specialist_a).update(is_active=False)
    response = as_user(api, org.specialist_a).get(f"/api/v1/dossiers/{d.code}")
    assert response.status_code == 404


def test_public_tracking_shows_status_without_personal_data(api, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    response = api.get(f"/api/v1/tracking/{d.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == d.code and body["applicant"] == "N***** V** An"
    assert body["status"] == {"code": 2, "name": body["status"]["name"], "portal": "new"}
    assert body["due_at"] == "2026-11-19T09:00:00+07:00"
    text = response.content.decode()
    assert "037095001234" not in text and "Nguyễn Văn An" not in text
    assert api.get("/api/v1/tracking/000.01.20.H40-261116-9999").status_code == 404


def test_file_upload_is_checked_by_content_and_size(api, org, procedure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    as_user(api, org.citizen)
    created = api.post("/api/v1/dossiers", payload(org, procedure), format="json").json()
    url = f"/api/v1/dossiers/{created['code']}/files"
    component = created["components"][0]["id"]

    def upload(name, content):
        f = io.BytesIO(content)
        f.name = name
        return api.post(url, {"file": f, "component_id": component}, format="multipart")

    good = upload("to-khai.pdf", MINIMAL_PDF)
    assert good.status_code == 201, good.content
    assert good.json()["components"][0]["files"][0]["name"] == "to-khai.pdf"
    fake = upload("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert fake.status_code == 400 and fake.json()["code"] == "upload_rejected"
    renamed = upload("anh.png", MINIMAL_PDF)
    assert renamed.status_code == 400
    settings.MAX_UPLOAD_BYTES = 100
    big = upload("big.pdf", MINIMAL_PDF)
    assert big.status_code == 400
    assert DossierFile.objects.count() == 1
    # another citizen can neither download nor add
    file_id = good.json()["components"][0]["files"][0]["id"]
    as_user(api, org.other_citizen)
    assert api.get(f"{url}/{file_id}").status_code == 404
    as_user(api, org.citizen)
    download = api.get(f"{url}/{file_id}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF


def test_applicant_cannot_change_files_once_received(api, org, procedure, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    code = submit_online(api, org.citizen, payload(org, procedure))["code"]
    accepted = as_user(api, org.officer_a).post(f"/api/v1/dossiers/{code}/actions/accept", {},
                                                format="json")
    assert accepted.status_code == 200, accepted.content
    f = io.BytesIO(MINIMAL_PDF)
    f.name = "late.pdf"
    response = as_user(api, org.citizen).post(f"/api/v1/dossiers/{code}/files", {"file": f},
                                              format="multipart")
    assert response.status_code == 403


def test_list_query_count_does_not_grow_with_the_number_of_dossiers(api, org, procedure):
    as_user(api, org.officer_a)
    received(org, procedure, at("09:00 16/11/2026"))
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/dossiers").status_code == 200
    for hour in range(8, 16):
        received(org, procedure, at(f"{hour:02d}:30 17/11/2026"))
    with CaptureQueriesContext(connection) as many:
        assert api.get("/api/v1/dossiers").json()["count"] == 9
    assert len(many) == len(few)


def test_list_filters_by_status(api, org, procedure):
    received(org, procedure, at("09:00 16/11/2026"))
    as_user(api, org.officer_a)
    assert api.get("/api/v1/dossiers?status=2").json()["count"] == 1
    assert api.get("/api/v1/dossiers?status=4,5").json()["count"] == 0
    assert api.get("/api/v1/dossiers?status=abc").status_code == 400


def test_slips_as_pdf_for_those_who_may_read_the_dossier(api, org, procedure):
    from pypdf import PdfReader

    d = received(org, procedure, at("09:00 16/11/2026"))
    as_user(api, org.officer_a)
    response = api.get(f"/api/v1/dossiers/{d.code}/slips/01.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert d.code in text and "09:00 19/11/2026" in text
    not_applicable = api.get(f"/api/v1/dossiers/{d.code}/slips/03.pdf")
    assert not_applicable.status_code == 409
    assert not_applicable.json()["code"] == "slip_not_applicable"
    assert api.get(f"/api/v1/dossiers/{d.code}/slips/99.pdf").status_code == 404
    as_user(api, org.officer_b)
    assert api.get(f"/api/v1/dossiers/{d.code}/slips/01.pdf").status_code == 404


def test_an_integrating_system_submits_with_its_token(client, org, procedure):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=org.system)
    response = client.post("/api/v1/dossiers", payload(org, procedure),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_IDEMPOTENCY_KEY="s-1")
    assert response.status_code == 201
    assert Dossier.objects.get().account == org.system
    wrong = client.post("/api/v1/dossiers", payload(org, procedure),
                        content_type="application/json", HTTP_AUTHORIZATION="Token nope")
    assert wrong.status_code == 401


def test_staff_cannot_use_the_online_submission(api, org, procedure):
    response = as_user(api, org.officer_a).post("/api/v1/dossiers", payload(org, procedure),
                                                format="json")
    assert response.status_code == 403


def test_malformed_json_is_a_400_not_a_500(client, org):
    client.force_login(org.citizen)
    response = client.post("/api/v1/dossiers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
