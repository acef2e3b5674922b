"""Signed results to the national personal data store, against the sandbox's receiver over
real HTTP, through the outbox: the contract (the document's fields, the PDF and its SHA-256),
and the faults (the store down, a lost answer, a document it refuses)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.db import transaction
from django.utils import timezone

from motcua.integration import national_store, outbox
from motcua.integration.models import ExchangeLogEntry, OutboxMessage
from motcua.records import national, results
from motcua.records.models import DataStoreLink, ResultDocument
from motcua.records.tests.conftest import (  # noqa: F401 - fixtures
    agency_cert,
    birth_requirement,
    dev_ca,
    leader,
    ready_dossier,
)

Status = OutboxMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox_settings(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 40
    settings.OUTBOX_BACKOFF_SECONDS = 2
    settings.OUTBOX_LEASE_SECONDS = 60
    settings.NATIONAL_SEND_SECONDS = 10


@pytest.fixture
def store(sandbox):
    httpx.delete(sandbox.url + "/datastore/received", timeout=10).raise_for_status()
    return sandbox


def in_store(sandbox, **query):
    return sandbox.get("/datastore/received", params=query).json()["documents"]


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def messages():
    return OutboxMessage.objects.filter(system=national_store.SYSTEM)


@pytest.fixture
def signed(ready_dossier, agency_cert, store) -> ResultDocument:  # noqa: F811
    return results.sign_result(ready_dossier.signed_results.get())


def test_a_signed_result_reaches_its_owners_national_store(signed, store, org):
    message = messages().get()  # written in the signing's transaction
    assert message.key == f"datastore:result:{signed.public_id}"
    assert message.dossier_id == signed.dossier_id and message.status == Status.PENDING
    assert national.sent(signed) is None

    outbox.run_pass(later(1))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    [doc] = in_store(store, owner=org.citizen.national_id)
    assert doc["key"] == message.key
    assert (doc["number"], doc["issuer"], doc["issuer_code"], doc["dossier_code"]) == (
        signed.number, org.pc_a.name, org.pc_a.code, signed.dossier.code)
    assert doc["owner_name"] == "Nguyễn Văn An"
    assert doc["issued_on"] == timezone.localdate(signed.issued_at).strftime("%Y%m%d")
    assert doc["sha256"] == signed.sha256 and doc["size"] == signed.size
    pdf = store.get(f"/datastore/documents/{doc['key']}/file").content
    assert pdf == signed.file.open("rb").read()
    link = national.sent(signed)
    assert link is not None and link.dossier_id == signed.dossier_id
    logged = ExchangeLogEntry.objects.get(system="datastore")
    assert (logged.subject_id_number, logged.dossier_code, logged.outcome) == (
        org.citizen.national_id, signed.dossier.code, "found")

    # signing again or delivering again sends nothing more
    results.sign_result(signed)
    outbox.run_pass(later(2))
    assert messages().count() == 1 and len(in_store(store)) == 1
    assert DataStoreLink.objects.count() == 1


def test_the_store_down_is_retried_and_nothing_is_lost(signed, store, org):
    store.fault("/datastore/documents", "error", status=503)
    outbox.run_pass(later(1))
    message = messages().get()
    assert message.status == Status.PENDING and message.attempts == 1
    assert "503" in message.last_error
    assert in_store(store) == [] and national.sent(signed) is None
    store.clear_faults()
    outbox.run_pass(later(30))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED and len(in_store(store)) == 1
    assert national.sent(signed) is not None


def test_a_lost_answer_is_retried_and_the_store_keeps_one_copy(signed, store):
    store.fault("/datastore/documents", "drop", times=1)  # stored, the answer lost
    outbox.run_pass(later(1))
    assert messages().get().status == Status.PENDING
    assert len(in_store(store)) == 1
    outbox.run_pass(later(30))
    assert messages().get().status == Status.DELIVERED
    [doc] = in_store(store)
    assert doc["times_received"] == 2


def test_a_document_the_store_refuses_is_a_dead_letter(signed, store):
    ResultDocument.objects.filter(pk=signed.pk).update(sha256="0" * 64)  # not the file's
    outbox.run_pass(later(1))
    message = messages().get()
    assert message.status == Status.DEAD
    assert "sha256 does not match" in message.last_error
    assert in_store(store) == [] and national.sent(signed) is None


def test_a_result_without_an_owner_id_is_not_sent(ready_dossier, agency_cert, store):  # noqa: F811
    result = ready_dossier.signed_results.get()
    ResultDocument.objects.filter(pk=result.pk).update(owner_id_number="", owner_tax_code="")
    results.sign_result(result)
    assert not messages().exists()


def test_a_rolled_back_signing_queues_nothing(ready_dossier, agency_cert, store):  # noqa: F811
    result = ready_dossier.signed_results.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        results.sign_result(result)
        raise RuntimeError("after")
    assert not messages().exists()


def test_the_requests_are_cut_to_the_size_allowed(settings):
    docs = [{"key": str(i), "file": {"base64": "A" * 3000}} for i in range(5)]
    assert [len(c) for c in national_store._requests(docs, 8000)] == [2, 2, 1]
    assert [len(c) for c in national_store._requests(docs, 100)] == [1, 1, 1, 1, 1]


def test_the_portal_sync_carries_the_signed_result_and_the_digitized_components(
        signed, store, org, birth_requirement, procedure):  # noqa: F811
    from motcua.dossiers import actions
    from motcua.records.tests.conftest import BIRTH, counter_dossier, digitize_birth

    httpx.delete(store.url + "/portal/received", timeout=10).raise_for_status()
    d = actions.perform(signed.dossier, "return_result", org.officer_a)
    paper = counter_dossier(org, procedure, birth_requirement, id_number="037095001234")
    digitize_birth(org, paper)
    actions.perform(paper, "start_processing", org.specialist_a)
    outbox.run_pass(later(1))

    def last_state(code):
        return store.get(f"/portal/dossiers/{code}").json()["dossier"]

    [result] = last_state(d.code)["results"]
    assert (result["number"], result["sha256"]) == (signed.number, signed.sha256)
    assert result["verify_url"].endswith(f"/xac-thuc/{signed.public_id}/")
    assert len(result["signed_at"]) == 14
    components = {c["name"]: c for c in last_state(paper.code)["components"]}
    assert components[BIRTH]["digitized"] and components[BIRTH]["has_file"]
    assert not any(c["digitized"] for n, c in components.items() if n != BIRTH)
