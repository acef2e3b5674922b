"""An online submission declares every component the procedure requires, each uploaded, reused
or taken from a national database (issue 9: one with none of them was accepted). The counter
checks the papers by hand, as before."""

import pytest

from motcua.catalog.models import ComponentRequirement
from motcua.dossiers import actions
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    Status,
)
from motcua.dossiers.slips import render_html
from motcua.dossiers.tests.factories import at, submission, upload_declared
from motcua.dossiers.tests.test_api import payload
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (Dossier.objects.count(), DossierComponent.objects.count(),
            DossierFile.objects.count(), DossierEvent.objects.count(),
            DailySequence.objects.count())


@pytest.fixture
def birth(db):
    """Three required components (the last shown on paper, in practice looked up in the
    population database), one required only on a condition, one optional."""
    procedure = build_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh")
    version = procedure.versions.get()
    version.components.all().delete()
    for position, (name, required, condition) in enumerate([
        ("Tờ khai đăng ký khai sinh", True, ""),
        ("Giấy chứng sinh", True, ""),
        ("Biên bản về việc trẻ bị bỏ rơi", False, ""),
        ("Văn bản ủy quyền đã được chứng thực", True, "khi ủy quyền cho người khác"),
        ("Xuất trình: Thẻ căn cước", True, ""),
    ], start=1):
        ComponentRequirement.objects.create(version=version, position=position, name=name,
                                            required=required, condition=condition)
    return procedure


def requirement(procedure, name: str) -> int:
    return procedure.versions.get().components.get(name__startswith=name).id


def test_an_online_submission_without_components_is_refused_listing_every_missing_one(
        api, org, birth):
    api.force_authenticate(org.citizen)
    before = counts()
    response = api.post("/api/v1/dossiers", payload(org, birth, components=[]), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "missing_components"
    assert [m["name"] for m in body["missing"]] == [
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Xuất trình: Thẻ căn cước"]
    assert body["missing"][0]["requirement_id"] == requirement(birth, "Tờ khai")
    assert "“Giấy chứng sinh”" in body["detail"] and "thành phần" in body["detail"]
    assert counts() == before  # no dossier, component, file, event or day number used


def test_the_components_missing_are_those_not_declared(api, org, birth):
    api.force_authenticate(org.citizen)
    body = payload(org, birth, components=[{"requirement_id": requirement(birth, "Tờ khai")},
                                           {"requirement_id": requirement(birth, "Biên bản")}])
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400
    assert [m["name"] for m in response.json()["missing"]] == [
        "Giấy chứng sinh", "Xuất trình: Thẻ căn cước"]
    assert Dossier.objects.count() == 0


def test_reused_and_national_components_complete_the_dossier(api, org, birth):
    api.force_authenticate(org.citizen)
    body = payload(org, birth, components=[
        {"requirement_id": requirement(birth, "Tờ khai")},
        {"requirement_id": requirement(birth, "Giấy chứng sinh"), "source": "reused",
         "reference": "000.01.20.H40-260105-0003"},
        {"requirement_id": requirement(birth, "Xuất trình"), "source": "national",
         "reference": "Cơ sở dữ liệu quốc gia về dân cư"},
    ])
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 201, response.content
    components = response.json()["components"]
    assert [(c["source"], c["reference"]) for c in components] == [
        ("upload", ""), ("reused", "000.01.20.H40-260105-0003"),
        ("national", "Cơ sở dữ liệu quốc gia về dân cư")]
    assert response.json()["status"]["code"] == Status.SUBMITTED
    detail = api.get(f"/api/v1/dossiers/{response.json()['code']}").json()
    assert detail["components"] == components


@pytest.mark.parametrize("component,code", [
    ({"source": "somewhere"}, "invalid"),
    ({"reference": "hồ sơ cũ"}, "component_reference"),  # an upload names no reference
])
def test_a_bad_component_source_is_refused(api, org, procedure, component, code):
    api.force_authenticate(org.citizen)
    first = procedure.versions.get().components.first().id
    body = payload(org, procedure, components=[{"requirement_id": first, **component}])
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert Dossier.objects.count() == 0


def test_the_counter_checks_the_papers_by_hand(api, org, birth):
    api.force_authenticate(org.officer_a)
    body = payload(org, birth, components=[], decision="receive")
    response = api.post("/api/v1/counter/dossiers", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"]["code"] == Status.RECEIVED


def test_the_action_refuses_before_writing(org, birth):
    before = counts()
    with pytest.raises(actions.MissingComponents) as error:
        actions.submit(submission(org, birth, components=[]), account=org.citizen,
                       now=at("09:00 16/11/2026"))
    assert len(error.value.extra["missing"]) == 3
    assert counts() == before


def test_form_01_notes_where_a_component_comes_from(org, birth):
    components = [
        actions.ComponentInput(requirement_id=requirement(birth, "Tờ khai")),
        actions.ComponentInput(requirement_id=requirement(birth, "Giấy chứng sinh"),
                               source="reused", reference="000.01.20.H40-260105-0003"),
        actions.ComponentInput(requirement_id=requirement(birth, "Xuất trình"),
                               source="national"),
    ]
    d = actions.submit(submission(org, birth, components=components), account=org.citizen,
                       now=at("09:00 16/11/2026"))
    d = upload_declared(d, org.citizen, at("09:05 16/11/2026"))  # the declaration's one upload
    assert d.files.count() == 1
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    html = render_html(Dossier.objects.get(pk=d.pk), "01")
    assert "Giấy chứng sinh <i>(tái sử dụng từ hồ sơ, kho dữ liệu đã có)</i>" in html
    assert "Thẻ căn cước <i>(khai thác từ cơ sở dữ liệu quốc gia)</i>" in html
    assert "Tờ khai đăng ký khai sinh</td>" in html


def test_a_fully_online_procedure_takes_no_component_on_paper(api, org, birth):
    """A paper component is exempt from the files rule (lifecycle.awaits_file): where the
    procedure is fully online, declaring one would let a dossier reach the officer without
    its document."""
    from motcua.catalog.models import OnlineLevel

    api.force_authenticate(org.citizen)
    components = [
        {"requirement_id": requirement(birth, "Tờ khai")},
        {"requirement_id": requirement(birth, "Giấy chứng sinh"), "is_paper": True},
        {"requirement_id": requirement(birth, "Xuất trình"), "source": "national"},
    ]
    birth.versions.update(online_level=OnlineLevel.FULL)
    before = counts()
    response = api.post("/api/v1/dossiers", payload(org, birth, components=components),
                        format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "component_paper"
    assert "“Giấy chứng sinh”" in response.json()["detail"]
    assert counts() == before
    birth.versions.update(online_level=OnlineLevel.PARTIAL)  # originals may follow by post
    response = api.post("/api/v1/dossiers", payload(org, birth, components=components),
                        format="json")
    assert response.status_code == 201, response.content
