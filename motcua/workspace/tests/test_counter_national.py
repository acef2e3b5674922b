"""At the counter, a component the catalogue says a national database holds is taken from there
instead of being handed in: looked up at once in the sandbox (real HTTP) by the applicant's ID
number or tax code, marked on the dossier as taken from that database, and carried so by the
portal sync. Not answering, or no record: said next to its box, nothing written, and the
officer takes the paper."""

from __future__ import annotations

import httpx
import pytest
from django.utils import timezone

from motcua.catalog.models import ComponentRequirement, NationalSource
from motcua.dossiers.models import ComponentSource, Dossier, Status
from motcua.integration import outbox
from motcua.integration.models import ExchangeLogEntry
from motcua.workspace.tests.test_counter import ID, URL, intake, nothing_written, post

pytestmark = pytest.mark.django_db
COMPANY = "2701000019"  # a business of the sandbox's registry (its representative is ID)


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


@pytest.fixture
def national(procedure):
    """The procedure asks for a judicial record (required) and a civil status extract and a
    business registration (optional), each held by its national database."""
    version = procedure.versions.get()
    rows = {}
    for position, name, source, required in (
            (3, "Phiếu lý lịch tư pháp", NationalSource.JUDICIAL, True),
            (4, "Trích lục khai sinh", NationalSource.CIVIL_STATUS, False),
            (5, "Giấy chứng nhận đăng ký doanh nghiệp", NationalSource.BUSINESS, False)):
        rows[source] = ComponentRequirement.objects.create(
            version=version, position=position, name=name, required=required,
            national_source=source)
    return rows


def sent(org, procedure, national, **over):
    """The intake form as a browser sends it: every row's original-or-copy and number too."""
    defaults = {}
    for row in national.values():
        defaults.update({f"paper_form_{row.pk}": "original", f"copies_{row.pk}": "1"})
    return intake(org, procedure, **{**defaults, **over})


def test_the_form_offers_the_national_database_only_where_the_catalogue_names_one(
        officer, procedure, national):
    form = officer.get(f"{URL}?procedure={procedure.code}").context["form"]
    boxes = [row.national.label if row.national else None for row in form.rows]
    assert boxes[:2] == [None, None]
    assert boxes[2] == "Khai thác từ Cơ sở dữ liệu lý lịch tư pháp thay cho bản giấy"


def test_a_judicial_record_taken_from_its_database_is_marked_and_synced(
        officer, org, procedure, national, sandbox):
    judicial = national[NationalSource.JUDICIAL]
    data = sent(org, procedure, national, **{
        f"national_{judicial.pk}": "on",
        f"national_{national[NationalSource.CIVIL_STATUS].pk}": "on"})
    response = post(officer, procedure, data)
    assert response.status_code == 303
    d = Dossier.objects.get()
    assert d.status == Status.RECEIVED  # the required record counts as given
    rows = {c.requirement_id: c for c in d.components.all()}
    taken = rows[judicial.pk]
    assert (taken.source, taken.reference, taken.is_paper) == (
        ComponentSource.NATIONAL, f"judicial:{ID}", False)
    assert rows[national[NationalSource.CIVIL_STATUS].pk].reference == f"civil_status:{ID}"
    assert {(e.system, e.officer_id, e.outcome) for e in ExchangeLogEntry.objects.all()} == {
        ("judicial", org.officer_a.pk, "found"), ("civil_status", org.officer_a.pk, "found")}
    # the national portal hears which component came from which database
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    assert outbox.run_pass(timezone.now())["delivered"] >= 1
    body = sandbox.get(f"/portal/dossiers/{d.code}").json()["dossier"]
    by_name = {c["name"]: c for c in body["components"]}
    assert by_name["Phiếu lý lịch tư pháp"]["from_national_store"] is True
    assert by_name["Phiếu lý lịch tư pháp"]["national_database"] == "judicial"
    assert by_name["Tờ khai theo mẫu"]["from_national_store"] is False
    assert by_name["Tờ khai theo mẫu"]["national_database"] is None
    # the staff dossier page says where it came from
    html = officer.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Khai thác từ Cơ sở dữ liệu lý lịch tư pháp" in html


def test_a_database_not_answering_is_said_and_the_officer_takes_the_paper(
        officer, org, procedure, national, sandbox, settings):
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/judicial/", "timeout", seconds=2)
    judicial = national[NationalSource.JUDICIAL]
    response = post(officer, procedure, sent(org, procedure, national,
                                             **{f"national_{judicial.pk}": "on"}))
    assert response.status_code == 200 and nothing_written()
    form = response.context["form"]
    assert "không phản hồi" in " ".join(form.errors[f"national_{judicial.pk}"])
    assert ExchangeLogEntry.objects.get().outcome == "unavailable"
    paper = sent(org, procedure, national, token="form-2",
                 **{f"received_{judicial.pk}": "on"})
    assert post(officer, procedure, paper).status_code == 303
    component = Dossier.objects.get().components.get(requirement=judicial)
    assert (component.source, component.is_paper) == (ComponentSource.UPLOAD, True)


def test_no_record_for_the_applicant_is_said_next_to_the_box(officer, org, procedure,
                                                             national, sandbox):
    judicial = national[NationalSource.JUDICIAL]
    data = sent(org, procedure, national, applicant_id_number="037095999999",
                **{f"national_{judicial.pk}": "on"})
    response = post(officer, procedure, data)
    assert response.status_code == 200 and nothing_written()
    assert "không có dữ liệu về 037095999999" in " ".join(
        response.context["form"].errors[f"national_{judicial.pk}"])


def test_the_business_registry_is_asked_by_the_organisations_tax_code(
        officer, org, procedure, national, sandbox):
    business = national[NationalSource.BUSINESS]
    procedure.versions.update(applicant_types=["person", "org"])
    data = sent(org, procedure, national, applicant_kind="org", applicant_name="Công ty A",
                applicant_id_number="", applicant_tax_code=COMPANY,
                **{f"national_{business.pk}": "on",
                   f"received_{national[NationalSource.JUDICIAL].pk}": "on"})
    assert post(officer, procedure, data).status_code == 303
    component = Dossier.objects.get().components.get(requirement=business)
    assert component.reference == f"business:{COMPANY}"
    assert ExchangeLogEntry.objects.get().subject_tax_code == COMPANY


def test_a_refusal_looks_nothing_up(officer, org, procedure, national, sandbox):
    judicial = national[NationalSource.JUDICIAL]
    data = sent(org, procedure, national, decision="refuse",
                reason="Không thuộc thẩm quyền", **{f"national_{judicial.pk}": "on"})
    assert post(officer, procedure, data).status_code == 303
    assert not ExchangeLogEntry.objects.exists()
    assert not Dossier.objects.get().components.filter(source=ComponentSource.NATIONAL).exists()
