"""The declaration's e-form at the counter: filled from the applicant's lookup in the national
population database (the sandbox, real HTTP), completed with the applicant, checked as the
API checks it, kept as the dossier's data; used only when the officer ticks it."""

from __future__ import annotations

import pytest

from motcua.catalog.importers import read_eforms
from motcua.dossiers.models import ComponentSource, Dossier
from motcua.integration.models import DossierIdentity
from motcua.workspace.tests.test_counter import ID, URL, intake, nothing_written, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


@pytest.fixture
def declaration(procedure):
    """The marital-status certificate's declaration with its bundled e-form."""
    schema = next(e.schema for e in read_eforms() if e.code == "1.004873")
    component = procedure.versions.get().components.get(position=1)
    component.eform_schema = schema
    component.save()
    return component


def answers(**over):
    """The declaration's answers as the intake form sends them (its fields "eform__<name>")."""
    data = {"requester_relationship": "bản thân", "full_name": "Nguyễn Văn An",
            "birth_date": "14/03/1995", "sex": "nam", "ethnicity": "Kinh",
            "nationality": "Việt Nam", "id_number": ID,
            "residence": "Số 12, đường Lê Lợi, phường Hoa Lư",
            "marital_status": "Chưa đăng ký kết hôn với ai.", "purpose": "Để đăng ký kết hôn."}
    data.update(over)
    return {f"eform__{name}": value for name, value in data.items()}


def test_the_lookup_fills_the_declaration_and_the_officer_completes_it(
        officer, org, procedure, declaration, sandbox):
    response = officer.get(URL, {"population": ID, "procedure": procedure.code})
    form = response.context["form"]
    assert (form.initial["eform__full_name"], form.initial["eform__birth_date"],
            form.initial["eform__sex"], form.initial["eform__id_number"]) == (
        "Nguyễn Văn An", "14/03/1995", "nam", ID)
    assert "Hoa Lư" in form.initial["eform__residence"]
    html = response.content.decode()
    assert 'id="counter-eform"' in html and 'value="14/03/1995"' in html
    data = intake(org, procedure, identity_check=form.initial["identity_check"],
                  eform_used="on", **answers(), **{f"received_{declaration.pk}": None})
    assert post(officer, procedure, data).status_code == 303
    d = Dossier.objects.get()
    assert d.form_data["birth_date"] == "1995-03-14" and d.form_data["sex"] == "nam"
    assert d.form_data["purpose"] == "Để đăng ký kết hôn."
    component = d.components.get(requirement=declaration)
    assert (component.source, component.is_paper) == (ComponentSource.EFORM, False)
    assert DossierIdentity.objects.get(dossier=d).population_data_used


def test_an_incomplete_declaration_is_said_next_to_its_fields(officer, org, procedure,
                                                               declaration):
    data = intake(org, procedure, eform_used="on",
                  **answers(purpose="", birth_date="31/02/1995"))
    response = post(officer, procedure, data)
    assert response.status_code == 200 and nothing_written()
    errors = response.context["form"].errors
    assert set(errors) == {"eform__purpose", "eform__birth_date"}
    assert 'id="id_eform__purpose-error"' in response.content.decode()


def test_the_declaration_left_unticked_is_not_used(officer, org, procedure, declaration):
    data = intake(org, procedure, **answers(birth_date="not a date"))
    assert post(officer, procedure, data).status_code == 303
    d = Dossier.objects.get()
    assert "birth_date" not in d.form_data
    assert d.components.get(requirement=declaration).is_paper


def test_the_database_not_answering_leaves_the_declaration_to_type(
        officer, org, procedure, declaration, sandbox, settings):
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    response = officer.get(URL, {"population": ID, "procedure": procedure.code})
    form = response.context["form"]
    assert not any(key.startswith("eform__") for key in form.initial)
    data = intake(org, procedure, identity_check=form.initial["identity_check"],
                  eform_used="on", **answers(), **{f"received_{declaration.pk}": None})
    assert post(officer, procedure, data).status_code == 303
    mark = DossierIdentity.objects.get()
    assert (mark.population_data_used, mark.manual_entry) == (False, True)
    assert Dossier.objects.get().form_data["full_name"] == "Nguyễn Văn An"
