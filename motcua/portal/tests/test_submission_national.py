"""Online, a component the catalogue says a national database holds is taken from there when
the citizen chooses so: looked up when the dossier is submitted (the sandbox, real HTTP), by
the applicant's ID number, marked on the dossier as taken from that database. The database not
answering, or having no record, stops the submission with the reason on the components step;
nothing is filed, the draft is kept, and uploading the document instead goes through."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import ComponentSource, Dossier
from motcua.integration.models import ExchangeLogEntry
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

ID_CARD, RESIDENCE = 5, 6  # of 1.004873: both from the population database


@pytest.fixture
def org(catalogue):
    return build_org()


@pytest.fixture
def citizen(client, org):
    client.force_login(org.citizen)
    return client


def to_review(citizen, org, **applicant_over):
    draft = start(citizen)
    id_card = component(MARITAL, ID_CARD)
    for step, data in [("applicant", applicant(org, **applicant_over)),
                       ("eform", marital_eform()),
                       ("components", {f"source-{id_card.pk}": "national"}),
                       ("return", {"method": "unit", "agency": org.center_a.code})]:
        response = draft.post(step, data)
        assert response.status_code == 302, (step, errors(response))
    return draft


def test_the_components_step_names_the_database(citizen, org):
    draft = start(citizen)
    page = draft.get("components").content.decode()
    assert "Từ Cơ sở dữ liệu quốc gia về dân cư, khi bạn nộp hồ sơ" in page


def test_the_id_card_is_taken_from_the_population_database(citizen, org, sandbox):
    draft = to_review(citizen, org)
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    taken = Dossier.objects.get().components.get(requirement=component(MARITAL, ID_CARD))
    assert (taken.source, taken.reference) == (ComponentSource.NATIONAL,
                                              "population:037095001234")
    entry = ExchangeLogEntry.objects.get()
    assert (entry.system, entry.account, entry.subject_id_number, entry.outcome) == (
        "population", org.citizen, "037095001234", "found")


def test_the_database_not_answering_stops_the_submission_and_uploading_goes_through(
        citizen, org, sandbox, settings):
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    draft = to_review(citizen, org)
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    [problem] = errors(refused)
    assert "không phản hồi" in problem and "Tải lên giấy tờ này" in problem
    assert ExchangeLogEntry.objects.get().outcome == "unavailable"
    id_card = component(MARITAL, ID_CARD)
    draft.post("components", {f"source-{id_card.pk}": "upload", f"file-{id_card.pk}": pdf()})
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    assert Dossier.objects.get().components.get(requirement=id_card).source == "upload"


def test_nobody_in_the_database_stops_the_submission(client, org, sandbox):
    org.citizen.national_id = "037095999999"  # not in the sandbox's population
    org.citizen.save()
    client.force_login(org.citizen)
    draft = to_review(client, org)
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert "không có dữ liệu về 037095999999" in errors(refused)[0]


def test_an_incomplete_applicant_step_asks_nothing(citizen, org, sandbox):
    draft = start(citizen)
    id_card = component(MARITAL, ID_CARD)
    draft.post("components", {f"source-{id_card.pk}": "national"})
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert not ExchangeLogEntry.objects.exists()
