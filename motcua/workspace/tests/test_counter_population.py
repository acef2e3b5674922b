"""The counter verifies the applicant in the national population database (the sandbox, real
HTTP): found fills the applicant block and marks the dossier (index 4.5b); not answering lets
the officer go on by hand, marked; every lookup is in the exchange log with the officer."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.integration.models import DossierIdentity, ExchangeLogEntry
from motcua.workspace.tests.test_counter import ID, URL, intake, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


def test_a_citizen_found_in_the_population_database_fills_the_form_and_marks_the_dossier(
        officer, org, procedure, sandbox):
    response = officer.get(URL, {"population": ID, "procedure": procedure.code})
    html = response.content.decode()
    assert 'id="population-found"' in html and "14/03/1995" in html
    form = response.context["form"]
    assert form.initial["applicant_name"] == "Nguyễn Văn An"
    assert form.initial["applicant_commune"] == org.commune_a.code  # Phường Hoa Lư
    assert "Hoa Lư" in form.initial["applicant_address"]
    entry = ExchangeLogEntry.objects.get()
    assert (entry.officer, entry.subject_id_number, entry.outcome) == (
        org.officer_a, ID, "found")

    data = intake(org, procedure, identity_check=form.initial["identity_check"])
    assert post(officer, procedure, data).status_code == 303
    mark = DossierIdentity.objects.get(dossier=Dossier.objects.get())
    assert (mark.population_data_used, mark.manual_entry, mark.id_number) == (True, False, ID)


def test_when_the_population_database_does_not_answer_the_officer_goes_on_by_hand(
        officer, org, procedure, sandbox, settings):
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    response = officer.get(URL, {"population": ID, "procedure": procedure.code})
    html = response.content.decode()
    assert 'id="population-unavailable"' in html
    form = response.context["form"]
    assert form.initial["applicant_id_number"] == ID and "applicant_name" not in form.initial

    data = intake(org, procedure, identity_check=form.initial["identity_check"])
    assert post(officer, procedure, data).status_code == 303
    mark = DossierIdentity.objects.get()
    assert (mark.population_data_used, mark.manual_entry) == (False, True)
    assert ExchangeLogEntry.objects.get().outcome == "unavailable"


def test_an_unknown_or_malformed_number_is_said_next_to_the_field(officer, procedure, sandbox):
    html = officer.get(URL, {"population": "037095999999"}).content.decode()
    assert 'id="population-error"' in html and "population-found" not in html
    html = officer.get(URL, {"population": "12ab"}).content.decode()
    assert 'id="population-error"' in html
    assert ExchangeLogEntry.objects.count() == 1  # the malformed one was never asked


def test_a_forged_or_changed_note_marks_nothing(officer, org, procedure, sandbox):
    form = officer.get(URL, {"population": ID, "procedure": procedure.code}).context["form"]
    note = form.initial["identity_check"]
    # the officer changed the ID number after the lookup: the data was not the applicant's
    other = intake(org, procedure, token="a", identity_check=note,
                   applicant_id_number="036198004321")
    assert post(officer, procedure, other).status_code == 303
    forged = intake(org, procedure, token="b", identity_check=note[:-2] + "xx")
    assert post(officer, procedure, forged).status_code == 303
    assert Dossier.objects.count() == 2 and DossierIdentity.objects.count() == 0
