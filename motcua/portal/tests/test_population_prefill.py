"""The online submission's applicant block filled from the national population database (the
sandbox, real HTTP) for a citizen whose account VNeID verified; the lookup is logged; the
database not answering leaves the citizen to type, with VNeID's address."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.integration.models import EIdAccount, ExchangeLogEntry
from motcua.portal.tests.submitting import start
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
