"""The online submission offers what the citizen's data store holds (records.reuse): chosen, the
component is reused, counts as present without an upload, and is recorded."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import ComponentSource, Dossier
from motcua.portal.tests.submitting import (
    ID_CARD,
    MARITAL,
    applicant,
    component,
    errors,
    marital_eform,
    start,
)
from motcua.records import files, reuse
from motcua.records.models import Reuse, StoreItem
from motcua.records.models.store import Origin
from motcua.tests.builders import build_org, pdf_bytes


@pytest.fixture
def org(catalogue):
    return build_org()


def _identity_card(owner_key: str) -> StoreItem:
    blob = files.put(ContentFile(pdf_bytes(), name="cccd.pdf"), content_type="application/pdf")
    return StoreItem.objects.create(
        owner_key=owner_key, owner_name="Nguyễn Văn An", document_type="identity-card",
        title="Thẻ căn cước", number="037095001234", origin=Origin.DIGITIZED, blob=blob,
        file_name="cccd.pdf", source_ref=f"test:{owner_key}", added_at=timezone.now())


def test_the_wizard_offers_the_store_and_a_reused_component_needs_no_upload(client: Client,
                                                                           org):
    item = _identity_card(org.citizen.national_id)
    _identity_card(org.other_citizen.national_id)  # another person's: never offered
    client.force_login(org.citizen)
    draft = start(client)
    for step, data in [("applicant", applicant(org)), ("eform", marital_eform())]:
        assert draft.post(step, data).status_code == 302
    slot = component(MARITAL, ID_CARD).pk
    page = draft.get("components").content.decode()
    assert f'value="{reuse.reference(item)}"' in page
    assert page.count('value="store:') == 1
    chosen = draft.post("components", {f"source-{slot}": reuse.reference(item)})
    assert chosen.status_code == 302, errors(chosen)
    assert draft.post("return", {"method": "unit", "agency": org.center_a.code}) \
        .status_code == 302
    assert "Thẻ căn cước" in draft.get("review").content.decode()
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    dossier = Dossier.objects.get()
    row = dossier.components.get(requirement_id=slot)
    assert (row.source, row.reference) == (ComponentSource.REUSED, reuse.reference(item))
    assert Reuse.objects.get().item == item and not row.files.exists()


def test_a_forged_choice_of_another_persons_document_is_not_kept(client: Client, org):
    theirs = _identity_card(org.other_citizen.national_id)
    client.force_login(org.citizen)
    draft = start(client)
    for step, data in [("applicant", applicant(org)), ("eform", marital_eform())]:
        assert draft.post(step, data).status_code == 302
    slot = component(MARITAL, ID_CARD).pk
    refused = draft.post("components", {f"source-{slot}": reuse.reference(theirs)})
    assert refused.status_code == 200  # kept as an upload, which is still missing
    assert errors(refused)
    assert not Reuse.objects.exists()
