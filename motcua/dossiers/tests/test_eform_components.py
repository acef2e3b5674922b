"""A declaration filled in online (ComponentSource.EFORM): its values are the dossier's
form_data, checked against the component's e-form (catalog.eforms), through the API as through
the portal (both call actions.submit_described)."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import ComponentSource, Dossier
from motcua.dossiers.tests.test_api import as_user, payload

EFORM = {"fields": [
    {"name": "full_name", "type": "text", "label_vi": "Họ, chữ đệm, tên", "required": True},
    {"name": "birth_date", "type": "date", "label_vi": "Ngày sinh", "max": "today"},
    {"name": "copies", "type": "number", "label_vi": "Số bản sao", "min": 0, "max": 9},
    {"name": "event_commune_code", "type": "commune", "label_vi": "Xã"},
]}


@pytest.fixture
def declaration(procedure):
    """The procedure's first component is its declaration, with an e-form."""
    component = procedure.versions.get().components.get(position=1)
    component.eform_schema = EFORM
    component.save()
    return component


def test_the_declaration_filled_in_online_is_checked_and_kept(api, org, procedure,
                                                               declaration):
    body = payload(org, procedure, components=[
        {"requirement_id": declaration.pk, "source": "eform"}],
        form_data={"full_name": " Nguyễn  Văn An ", "birth_date": "02/03/1995", "copies": "2",
                   "event_commune_code": org.commune_b.code, "other": "kept as given"})
    created = as_user(api, org.citizen).post("/api/v1/dossiers", body, format="json")
    assert created.status_code == 201, created.content
    component = created.json()["components"][0]
    assert component["source"] == "eform" and component["awaiting_file"] is False
    dossier = Dossier.objects.get()
    assert dossier.form_data == {"full_name": "Nguyễn Văn An", "birth_date": "1995-03-02",
                                 "copies": 2, "event_commune_code": org.commune_b.code,
                                 "other": "kept as given"}
    assert dossier.components.get().source == ComponentSource.EFORM


def test_a_wrong_declaration_is_refused_field_by_field(api, org, procedure, declaration):
    body = payload(org, procedure, components=[
        {"requirement_id": declaration.pk, "source": "eform"}],
        form_data={"birth_date": "2999-01-01", "copies": 12, "event_commune_code": "99999"})
    refused = as_user(api, org.citizen).post("/api/v1/dossiers", body, format="json")
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["code"] == "form_data"
    assert set(problem["errors"]) == {"full_name", "birth_date", "copies", "event_commune_code"}
    assert "trong tương lai" in problem["errors"]["birth_date"]  # the API speaks Vietnamese
    assert not Dossier.objects.exists()


def test_a_component_without_an_e_form_cannot_be_filled_in_online(api, org, procedure):
    first = procedure.versions.get().components.get(position=1)
    body = payload(org, procedure, components=[{"requirement_id": first.pk, "source": "eform"}])
    refused = as_user(api, org.citizen).post("/api/v1/dossiers", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "component_source"
    assert not Dossier.objects.exists()


def test_an_e_form_component_is_neither_on_paper_nor_a_reference(api, org, procedure,
                                                                  declaration):
    for extra in ({"is_paper": True}, {"reference": "000.01.20.H40-261116-0001"}):
        body = payload(org, procedure, components=[
            {"requirement_id": declaration.pk, "source": "eform", **extra}],
            form_data={"full_name": "An"})
        refused = as_user(api, org.citizen).post("/api/v1/dossiers", body, format="json")
        assert refused.status_code == 400, extra
    assert not Dossier.objects.exists()
