"""A component an online dossier declares as uploaded must have its file before an officer
receives the dossier (issue 9, follow-up): otherwise it reached the officer, and Form 01 listed
it as handed in, with nothing to read. The officer may ask for it before receipt (Form 02) or
refuse instead; the applicant sees which components still wait (`awaiting_file`). The counter
checks paper by hand, as before."""

import io

import pytest

from motcua.catalog.models import ComponentRequirement
from motcua.dossiers import actions
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    Status,
    YearlySequence,
)
from motcua.dossiers.tests.factories import at, online, person, received, submission
from motcua.dossiers.tests.test_api import MINIMAL_PDF, as_user, payload
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def birth(db):
    """Two required components, one optional, one shown at the counter (looked up online)."""
    procedure = build_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh")
    version = procedure.versions.get()
    version.components.all().delete()
    for position, (name, required) in enumerate([
        ("Tờ khai đăng ký khai sinh", True),
        ("Giấy chứng sinh", True),
        ("Biên bản về việc trẻ bị bỏ rơi", False),
        ("Xuất trình: Thẻ căn cước", True),
    ], start=1):
        ComponentRequirement.objects.create(version=version, position=position, name=name,
                                            required=required)
    return procedure


def declared(procedure, **sources) -> list[dict]:
    """Every component of `procedure`, uploaded unless `sources` says otherwise (by the
    first word of its name)."""
    return [{"requirement_id": r.id, "source": sources.get(r.name.split()[0].rstrip(":"),
                                                           "upload")}
            for r in procedure.versions.get().components.all()]


def submit(api, org, procedure, components) -> dict:
    as_user(api, org.citizen)
    response = api.post("/api/v1/dossiers", payload(org, procedure, components=components),
                        format="json")
    assert response.status_code == 201, response.content
    return response.json()


def upload(api, org, detail, component: dict) -> dict:
    f = io.BytesIO(MINIMAL_PDF)
    f.name = "giay-to.pdf"
    response = as_user(api, org.citizen).post(
        f"/api/v1/dossiers/{detail['code']}/files",
        {"file": f, "component_id": component["id"]}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def accept(api, org, code: str):
    return as_user(api, org.officer_a).post(f"/api/v1/dossiers/{code}/actions/accept", {},
                                            format="json")


def awaiting(detail: dict) -> list[str]:
    return [c["name"] for c in detail["components"] if c["awaiting_file"]]


def written(code: str) -> tuple:
    d = Dossier.objects.get(code=code)
    return (d.status, d.received_at, d.due_at, d.book_row, DossierEvent.objects.count(),
            YearlySequence.objects.count(), DossierFile.objects.count())


def test_accept_is_refused_listing_every_declared_upload_without_its_file(api, org, birth):
    detail = submit(api, org, birth, declared(birth, **{"Xuất": "national"}))
    # the applicant sees what still waits: the required uploads (not the optional one, not
    # the one taken from the national database)
    assert awaiting(detail) == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    detail = upload(api, org, detail, detail["components"][0])
    assert awaiting(detail) == ["Giấy chứng sinh"]
    assert detail["components"][0]["files"][0]["name"] == "giay-to.pdf"

    before = written(detail["code"])
    response = accept(api, org, detail["code"])
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "files_awaited"
    waiting = detail["components"][1]
    assert body["missing"] == [{"component_id": waiting["id"],
                                "requirement_id": waiting["requirement_id"],
                                "name": "Giấy chứng sinh"}]
    assert body["instead"] == ["request_supplement", "refuse"]
    assert body["detail"].startswith("Chưa thể tiếp nhận hồ sơ")
    assert "“Giấy chứng sinh”" in body["detail"] and "Tờ khai" not in body["detail"]
    assert "yêu cầu bổ sung" in body["detail"] and "từ chối" in body["detail"]
    # nothing half-written: no status, clock, book row, timeline event or file
    assert written(detail["code"]) == before
    assert before[:4] == (Status.SUBMITTED, None, None, None)

    english = as_user(api, org.officer_a).post(
        f"/api/v1/dossiers/{detail['code']}/actions/accept", {}, format="json",
        HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english.startswith("The dossier cannot be received yet") and "Form 02" in english

    # once the file has come, the officer receives it
    detail = upload(api, org, detail, waiting)
    assert awaiting(detail) == []
    received_ = accept(api, org, detail["code"])
    assert received_.status_code == 200, received_.content
    assert received_.json()["status"]["code"] == Status.RECEIVED
    assert awaiting(received_.json()) == []


def test_the_officer_may_ask_for_the_files_before_receipt_or_refuse(api, org, birth):
    detail = submit(api, org, birth, declared(birth))
    assert len(awaiting(detail)) == 3
    code = detail["code"]
    url = f"/api/v1/dossiers/{code}/actions/"
    asked = as_user(api, org.officer_a).post(url + "request_supplement", {
        "items": [{"name": n, "note": "Chưa tải tệp lên"} for n in awaiting(detail)]},
        format="json")
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"]["code"] == Status.SUPPLEMENT
    assert len(awaiting(asked.json())) == 3  # still waiting, and the applicant sees it
    for component in asked.json()["components"]:
        if component["awaiting_file"]:
            detail = upload(api, org, detail, component)  # allowed in status 5
    back = as_user(api, org.citizen).post(url + "receive_supplement", {}, format="json")
    assert back.json()["status"]["code"] == Status.SUBMITTED
    assert accept(api, org, code).status_code == 200

    other = submit(api, org, birth, declared(birth))
    refused = as_user(api, org.officer_a).post(
        f"/api/v1/dossiers/{other['code']}/actions/refuse",
        {"reason": "Không tải lên giấy tờ đã khai"}, format="json")
    assert refused.status_code == 200
    assert awaiting(refused.json()) == []  # a refused dossier waits for nothing


def test_the_proof_of_a_representation_must_arrive_too(org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"), files=False, authorization=True,
               applicant=person(name="Hoàng Thị Lan", id_number="036198004321",
                                representative_relationship="authorized"))
    form, proof = d.components.order_by("id")
    with pytest.raises(actions.FilesAwaited) as error:
        actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    assert [m["name"] for m in error.value.extra["missing"]] == [form.name, proof.name]
    assert proof.is_authorization and proof.required


def test_only_required_uploads_online_wait(org, procedure):
    """The optional component (declared or not), a component reused or taken from a national
    database, and one handed in on paper do not hold the receipt (paper: a partly online
    procedure; a fully online one takes none, test_required_components)."""
    from motcua.catalog.models import OnlineLevel

    version = procedure.versions.get()
    version.online_level = OnlineLevel.PARTIAL
    version.save()
    form, optional = version.components.order_by("position")
    components = [
        actions.ComponentInput(requirement_id=form.id, source="reused",
                               reference="000.01.20.H40-260105-0003"),
        actions.ComponentInput(requirement_id=optional.id),
        actions.ComponentInput(name="Ảnh chân dung", is_paper=True),
    ]
    d = actions.submit(submission(org, procedure, components=components), account=org.citizen,
                       now=at("09:00 16/11/2026"))
    assert [c.required for c in d.components.order_by("id")] == [True, False, False]
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    assert d.status == Status.RECEIVED


def test_counter_and_postal_dossiers_are_checked_on_paper(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    assert d.status == Status.RECEIVED and not d.files.exists()
    posted = actions.submit(submission(org, procedure, channel=3), account=None,
                            now=at("09:00 16/11/2026"))
    posted = actions.perform(posted, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    assert posted.status == Status.RECEIVED


def test_the_factory_uploads_what_a_complete_online_dossier_declares(org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    assert [e.action for e in d.events.all()] == ["submit", "attach_file"]
    assert d.files.get().component.requirement.name == "Tờ khai theo mẫu"
    assert actions.perform(d, "accept", org.officer_a,
                           now=at("10:00 16/11/2026")).status == Status.RECEIVED
