"""The online submission's applicant block and the declaration's answers about the citizen
filled from the national population database (the sandbox, real HTTP) for a citizen whose
account VNeID verified; the lookup is logged; the dossier is marked as using population data
(index 4.5b); the database not answering leaves the citizen to type, with VNeID's address, and
the dossier is marked as entered by hand."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.integration.models import DossierIdentity, EIdAccount, ExchangeLogEntry
from motcua.portal.tests.submitting import (
    MARITAL,
    applicant,
    component,
    errors,
    marital_eform,
    pdf,
    start,
)
from motcua.tests.builders import build_org

AN = "037095001234"


@pytest.fixture
def org(catalogue):
    return build_org()


def verify(user):
    EIdAccount.objects.create(user=user, subject="s-an", id_number=AN, assurance_level=2,
                              full_name="Nguyễn Văn An", permanent_address="Theo VNeID",
                              verified_at=timezone.now())


def test_a_verified_citizen_finds_their_residence_filled_in(client, org, sandbox):
    verify(org.citizen)
    client.force_login(org.citizen)
    response = start(client).get("applicant")
    form = response.context["form"]
    assert 'id="population-prefilled"' in response.content.decode()
    assert form.initial["name"] == "Nguyễn Văn An"
    assert "Hoa Lư" in form.initial["address"] and form.initial["commune"] == "14329"
    entry = ExchangeLogEntry.objects.get()
    assert (entry.account, entry.subject_id_number, entry.officer) == (org.citizen, AN, None)


def test_the_database_not_answering_leaves_vneids_address(client, org, sandbox, settings):
    verify(org.citizen)
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    client.force_login(org.citizen)
    response = start(client).get("applicant")
    assert response.status_code == 200
    assert 'id="population-unavailable"' in response.content.decode()
    assert response.context["form"].initial["address"] == "Theo VNeID"


def test_an_account_not_verified_by_vneid_is_not_looked_up(client, org, sandbox):
    client.force_login(org.citizen)  # its ID number was typed, not verified
    response = start(client).get("applicant")
    assert "population-prefilled" not in response.content.decode()
    assert not ExchangeLogEntry.objects.exists()


# --- the e-form's answers about the citizen ------------------------------------------------


def filled_for_self(client, org):
    """A verified citizen's draft of the marital-status certificate, filing for themselves."""
    verify(org.citizen)
    client.force_login(org.citizen)
    draft = start(client)
    assert draft.post("applicant", applicant(org)).status_code == 302
    return draft


def finish(draft, org, eform_data):
    id_card = component(MARITAL, 5)
    for step, data in [("eform", eform_data),
                       ("components", {f"file-{id_card.pk}": pdf()}),
                       ("return", {"method": "unit", "agency": org.center_a.code})]:
        response = draft.post(step, data)
        assert response.status_code == 302, (step, errors(response))
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    return Dossier.objects.get()


def test_the_declaration_is_filled_from_the_population_database_and_the_dossier_marked(
        client, org, sandbox):
    draft = filled_for_self(client, org)
    response = draft.get("eform")
    html = response.content.decode()
    assert 'id="eform-prefilled"' in html
    initial = response.context["form"].initial
    assert (initial["full_name"], initial["birth_date"], initial["sex"], initial["id_number"]) \
        == ("Nguyễn Văn An", "14/03/1995", "nam", AN)
    assert "Hoa Lư" in initial["residence"]
    assert 'value="14/03/1995"' in html  # shown in the page as typed
    entry = ExchangeLogEntry.objects.get()
    assert entry.purpose == "Nộp hồ sơ trực tuyến: điền sẵn tờ khai điện tử"
    # the citizen adds what the state does not know, and may correct the rest
    dossier = finish(draft, org, {**initial, **marital_eform(
        full_name=initial["full_name"], birth_date=initial["birth_date"],
        residence="Số 12, đường Lê Lợi")})
    assert dossier.form_data["birth_date"] == "1995-03-14"
    assert dossier.form_data["residence"] == "Số 12, đường Lê Lợi"
    mark = DossierIdentity.objects.get(dossier=dossier)
    assert (mark.population_data_used, mark.vneid_verified, mark.manual_entry) == (
        True, True, False)


def test_the_database_not_answering_leaves_the_declaration_to_type_and_marks_it_by_hand(
        client, org, sandbox, settings):
    draft = filled_for_self(client, org)
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    response = draft.get("eform")
    assert 'id="population-unavailable"' in response.content.decode()
    assert response.context["form"].initial == {}
    sandbox.clear_faults()
    dossier = finish(draft, org, marital_eform())
    mark = DossierIdentity.objects.get(dossier=dossier)
    assert (mark.population_data_used, mark.manual_entry) == (False, True)


def test_filing_for_someone_else_the_declaration_is_not_filled(client, org, sandbox):
    verify(org.citizen)
    client.force_login(org.citizen)
    draft = start(client)
    draft.post("applicant", applicant(org, filing_for="other", other_name="Trần Thị Bích",
                                      other_id_number="036198004321",
                                      relationship="authorized"))
    response = draft.get("eform")
    assert "eform-prefilled" not in response.content.decode()
    assert response.context["form"].initial == {}
    assert not ExchangeLogEntry.objects.exists()


def test_a_saved_declaration_is_not_filled_again(client, org, sandbox):
    draft = filled_for_self(client, org)
    draft.post("eform", marital_eform(full_name="Tên đã sửa"), action="save")
    response = draft.get("eform")
    assert response.context["form"]["full_name"].value() == "Tên đã sửa"
    assert not ExchangeLogEntry.objects.exists()


def test_an_applicant_block_filled_from_the_database_marks_the_dossier_too(client, org,
                                                                          sandbox):
    verify(org.citizen)
    client.force_login(org.citizen)
    draft = start(client)
    assert 'id="population-prefilled"' in draft.get("applicant").content.decode()
    assert draft.post("applicant", applicant(org)).status_code == 302
    dossier = finish(draft, org, marital_eform())  # the declaration typed, never shown
    assert DossierIdentity.objects.get(dossier=dossier).population_data_used
