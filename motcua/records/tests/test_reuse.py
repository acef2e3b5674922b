"""Reuse on a new dossier: offered, accepted and recorded; refused when the document is not a
valid one of the applicant's store; a re-request needs a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import InvalidInput
from motcua.dossiers import actions, lifecycle
from motcua.dossiers.models import ComponentSource, Dossier, DossierEvent
from motcua.dossiers.tests.factories import own, submission
from motcua.records import reuse
from motcua.records.models import ReRequest, Reuse, StoreItem
from motcua.records.tests.conftest import (
    birth_component,
    counter_dossier,
    digitize_birth,
)

pytestmark = pytest.mark.django_db


def _online(org, procedure, requirement, reference, account=None):
    account = account or org.citizen
    components = [actions.ComponentInput(requirement_id=r.id, source=ComponentSource.NATIONAL)
                  for r in procedure.versions.get().components.filter(required=True)]
    components.append(actions.ComponentInput(requirement_id=requirement.id,
                                             source=ComponentSource.REUSED,
                                             reference=reference))
    return actions.submit(submission(org, procedure, components=components,
                                     applicant=own(account, commune_code=org.commune_a.code)),
                          account=account)


def test_the_store_offers_valid_documents_of_the_components_type(org, paper_dossier,
                                                                  birth_requirement):
    digitize_birth(org, paper_dossier)
    names = {birth_requirement.pk: birth_requirement.name, 1: "Tờ khai theo mẫu"}
    offered = reuse.offers([org.citizen.national_id], names)
    assert [i.pk for i in offered[birth_requirement.pk].items] == [StoreItem.objects.get().pk]
    assert offered[1].items == []
    assert reuse.offers([org.other_citizen.national_id], names)[birth_requirement.pk].items == []
    expired = reuse.offers([org.citizen.national_id], names,
                           day=dt.date(2020, 4, 30))  # before it was issued
    assert expired[birth_requirement.pk].items == []


def test_a_reused_component_counts_as_present_and_is_recorded(org, procedure, paper_dossier,
                                                              birth_requirement):
    digitize_birth(org, paper_dossier)
    item = StoreItem.objects.get()
    d = _online(org, procedure, birth_requirement, reuse.reference(item))
    component = birth_component(d)
    assert component.source == ComponentSource.REUSED
    assert Reuse.objects.get().component_id == component.pk
    assert not lifecycle.awaits_file(d, component, False)
    actions.perform(d, "accept", org.officer_a)  # nothing waits for a file
    assert reuse.reused_items(d.pk)[component.pk] == item


@pytest.mark.parametrize("case", ["another person's", "expired", "unknown"])
def test_a_document_not_valid_in_the_applicants_store_is_refused(org, procedure, paper_dossier,
                                                                 birth_requirement, case):
    digitize_birth(org, paper_dossier)
    item = StoreItem.objects.get()
    account = org.citizen
    if case == "another person's":
        account = org.other_citizen
    elif case == "expired":
        StoreItem.objects.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    reference = reuse.reference(item) if case != "unknown" else f"store:{item.pk + 99}"
    before = Dossier.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _online(org, procedure, birth_requirement, reference, account=account)
    assert refused.value.code == "component_reference"
    assert Dossier.objects.count() == before and not Reuse.objects.exists()


def test_asking_again_for_a_held_document_needs_a_reason(org, procedure, paper_dossier,
                                                         birth_requirement):
    digitize_birth(org, paper_dossier)
    d = counter_dossier(org, procedure, birth_requirement)
    component = birth_component(d)
    with pytest.raises(InvalidInput) as refused:
        reuse.ask_again(d, component.pk, "   ", actor=org.officer_a)
    assert refused.value.code == "reason_required" and not ReRequest.objects.exists()
    asked = reuse.ask_again(d, component.pk, "Bản lưu bị mờ, không đọc được số",
                            actor=org.officer_a)
    assert asked is not None and ReRequest.objects.get().reason.startswith("Bản lưu")
    assert DossierEvent.objects.filter(dossier=d, action="ask_again").exists()
    # a component the store does not hold needs no reason
    other = d.components.exclude(pk=component.pk).first()
    assert reuse.ask_again(d, other.pk, "", actor=org.officer_a) is None


def test_the_counter_page_refuses_a_re_request_without_a_reason(client, org, procedure,
                                                                paper_dossier,
                                                                birth_requirement):
    digitize_birth(org, paper_dossier)
    d = counter_dossier(org, procedure, birth_requirement)
    component = birth_component(d)
    client.force_login(org.officer_a)
    url = f"/can-bo/ho-so/{d.code}/yeu-cau-lai/{component.pk}/"
    assert client.post(url, {f"a{component.pk}-reason": ""}).status_code == 400
    assert not ReRequest.objects.exists()
    assert client.post(url, {f"a{component.pk}-reason": "Giấy tờ đã thay đổi"}).status_code \
        == 302
    assert ReRequest.objects.get().reason == "Giấy tờ đã thay đổi"


class FakeRegistry:
    """Stands for the national population database's adapter (an integration app) offering
    what it holds through the registry records provides."""

    def __call__(self, owner_key: str, document_type: str) -> list[reuse.NationalOffer]:
        if document_type != "birth-certificate":
            return []
        return [reuse.NationalOffer("civil-status", document_type, "Khai sinh điện tử",
                                    f"hotich:{owner_key}")]


def test_a_higher_app_registers_a_national_provider(org, birth_requirement):
    provider = FakeRegistry()
    reuse.register_provider("civil-status", provider)
    try:
        offered = reuse.offers([org.citizen.national_id],
                               {birth_requirement.pk: birth_requirement.name})
        assert [o.reference for o in offered[birth_requirement.pk].national] == [
            f"hotich:{org.citizen.national_id}"]
    finally:
        reuse._providers.pop("civil-status")
