"""Portal sync against the sandbox's receiver over real HTTP: the message shapes (DOMAIN.md §7),
the catalogue, the dossier's sync state (page and API), and the faults: an hour-long outage
while dossiers keep moving, and lost answers."""

import datetime as dt
import re

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, received
from motcua.integration import outbox, portal_sync
from motcua.integration.models import OutboxMessage, PortalSync

Status = OutboxMessage.Status
T0 = at("09:00 16/11/2026")


@pytest.fixture(autouse=True)
def outbox_settings(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 40
    settings.OUTBOX_BACKOFF_SECONDS = 2
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 600
    settings.OUTBOX_LEASE_SECONDS = 60
    settings.NATIONAL_SEND_SECONDS = 10


@pytest.fixture
def portal(sandbox):
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    return sandbox


def on_portal(sandbox, **query):
    return sandbox.get("/portal/received", params=query).json()["messages"]


def later(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_a_dossier_is_created_updated_and_followed_on_the_portal(org, procedure, portal):
    d = received(org, procedure, T0)
    d = actions.perform(d, "start_processing", org.officer_a, now=later(5))
    kinds = list(OutboxMessage.objects.filter(dossier=d).order_by("id")
                 .values_list("kind", flat=True))
    assert kinds[0] == "create" and "update" in kinds
    assert portal_sync.state_of(d).state == "waiting"
    counts = outbox.run_pass(later(6))
    assert counts["delivered"] == len(kinds)
    got = on_portal(portal, dossier=d.code)
    assert [m["kind"] for m in got] == kinds
    assert [m["sequence"] for m in got] == sorted(m["sequence"] for m in got)
    body = got[0]["body"]
    assert body["code"] == d.code and body["procedure_code"] == procedure.code
    for field in ("submitted_at", "received_at", "due_at"):
        assert re.fullmatch(r"\d{14}", body[field]), field
    assert body["received_at"] == "20261116090000"  # Vietnam time, yyyyMMddHHmmss
    assert body["handling_unit"]["code"] == d.handling_agency.code
    assert body["components"] and {"component_code", "digitized", "reused",
                                   "from_national_store"} <= set(body["components"][0])
    assert body["results"] == []  # no signed result yet
    assert (body["vneid_verified"], body["population_data_used"], body["paid_online"],
            body["payments"]) == (False, False, False, [])
    progress = got[-1]["body"]["progress"]
    assert progress["officer"] == org.officer_a.full_name
    assert progress["status"] == d.status and re.fullmatch(r"\d{14}", progress["at"])
    sync = PortalSync.objects.get(dossier=d)
    assert (sync.synced_at, sync.status) == (later(6), d.status)
    assert portal_sync.state_of(d).state == "synced"
    assert portal.get(f"/portal/dossiers/{d.code}").json()["status"] == d.status


@pytest.mark.django_db
def test_writing_the_message_costs_the_action_one_insert(org, procedure, portal):
    d = received(org, procedure, T0)
    with CaptureQueriesContext(connection) as queries:
        actions.perform(d, "start_processing", org.officer_a, now=later(5))
    outbox_writes = [q for q in queries.captured_queries
                     if "integration_outboxmessage" in q["sql"]]
    assert len(outbox_writes) == 1 and outbox_writes[0]["sql"].startswith("INSERT")


@pytest.mark.django_db
def test_the_portal_down_for_an_hour_while_dossiers_move_loses_nothing_and_sends_nothing_twice(
        org, procedure, portal):
    portal.fault("/portal/messages", "error", status=503)
    dossiers = []
    clock = T0
    for minute in range(0, 60, 5):  # an hour of work, the worker trying all along
        clock = later(minute)
        dossiers.append(received(org, procedure, clock))
        for d in dossiers[-3:-1]:
            d.refresh_from_db()
            if d.status == 2:  # received: processing starts a few minutes later
                actions.perform(d, "start_processing", org.officer_a, now=clock)
        counts = outbox.run_pass(clock)
        assert counts["delivered"] == 0
    waiting = OutboxMessage.objects.exclude(status=Status.DELIVERED)
    assert waiting.count() == OutboxMessage.objects.count()
    assert not waiting.filter(status=Status.DEAD).exists()  # an hour is no reason to give up
    assert portal_sync.state_of(dossiers[0]).state == "retrying"
    assert on_portal(portal) == []
    portal.clear_faults()
    clock = later(60 + 11)  # the longest backoff is 10 minutes
    counts = outbox.run_pass(clock)
    assert counts["delivered"] == OutboxMessage.objects.count()
    assert not OutboxMessage.objects.exclude(status=Status.DELIVERED).exists()
    stats = portal.get("/portal/stats").json()
    assert stats == {"messages": OutboxMessage.objects.count(), "duplicates_refused": 0}
    for d in dossiers:
        expected = list(OutboxMessage.objects.filter(dossier=d).order_by("id")
                        .values_list("key", flat=True))
        assert [m["key"] for m in on_portal(portal, dossier=d.code)] == expected
        assert portal_sync.state_of(d).state == "synced"


@pytest.mark.django_db
def test_a_lost_answer_is_retried_and_the_portal_keeps_one_copy(org, procedure, portal):
    d = received(org, procedure, T0)
    portal.fault("/portal/messages", "drop", times=1)  # the portal stores, the answer is lost
    counts = outbox.run_pass(T0)
    assert counts["retry"] >= 1 and counts["delivered"] == 0
    assert len(on_portal(portal, dossier=d.code)) == 1  # it got there
    counts = outbox.run_pass(later(1))
    assert counts["delivered"] >= 1
    got = on_portal(portal, dossier=d.code)
    assert len(got) == OutboxMessage.objects.filter(dossier=d).count()
    assert len({m["key"] for m in got}) == len(got)
    assert got[0]["times_received"] == 2  # sent twice, stored once
    assert portal.get("/portal/stats").json()["duplicates_refused"] == 1


@pytest.mark.django_db
def test_a_message_the_portal_refuses_is_a_dead_letter_and_the_dossier_says_so(
        org, procedure, portal, monkeypatch):
    d = received(org, procedure, T0)
    real = portal_sync.render

    def broken(rows):
        out = real(rows)
        for m in out:
            m["body"].pop("procedure_code", None)
        return out

    monkeypatch.setattr(portal_sync, "render", broken)
    assert outbox.run_pass(T0)["dead"] == 1
    m = OutboxMessage.objects.get(dossier=d, kind="create")
    assert "procedure_code" in m.last_error
    assert portal_sync.state_of(d).state == "failed"
    monkeypatch.setattr(portal_sync, "render", real)
    outbox.retry_dead(OutboxMessage.objects.filter(pk=m.pk), later(1))
    assert outbox.run_pass(later(1))["delivered"] >= 1
    assert portal_sync.state_of(d).state == "synced"


@pytest.mark.django_db
def test_the_catalogue_is_published_once_per_content(procedure, portal):
    assert portal_sync.publish_catalogue(T0) == 1
    assert portal_sync.publish_catalogue(T0) == 0  # nothing changed
    outbox.run_pass(T0)
    got = on_portal(portal, kind="procedure")
    assert [m["body"]["procedure_code"] for m in got] == [procedure.code]
    assert got[0]["body"]["components"]
    version = procedure.versions.get()
    version.steps = "Bước 1: nộp hồ sơ. Bước 2: nhận kết quả."
    version.save()
    assert portal_sync.publish_catalogue(later(1)) == 1
    outbox.run_pass(later(1))
    assert len(on_portal(portal, kind="procedure")) == 2


@pytest.mark.django_db
def test_the_sync_state_is_on_the_dossier_page_and_in_the_api(org, procedure, portal, client,
                                                               api):
    d = online(org, procedure, T0)
    client.force_login(org.officer_a)
    page = client.get(f"/can-bo/ho-so/{d.code}/")
    assert page.status_code == 200
    assert 'data-sync-state="waiting"' in page.content.decode()
    api.force_authenticate(org.officer_a)
    assert api.get(f"/api/v1/dossiers/{d.code}").json()["portal_sync"]["state"] == "waiting"
    outbox.run_pass(T0)
    page = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'data-sync-state="synced"' in page
    sync = api.get(f"/api/v1/dossiers/{d.code}").json()["portal_sync"]
    assert sync["state"] == "synced" and sync["synced_at"].startswith("2026-11-16T09:00")
    # another commune's officer sees neither the dossier nor its sync state
    client.force_login(org.officer_b)
    assert client.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
    api.force_authenticate(org.officer_b)
    assert api.get(f"/api/v1/dossiers/{d.code}").status_code == 404


@pytest.mark.django_db
def test_the_receiver_refuses_a_malformed_request(portal):
    assert portal.post("/portal/messages", content=b"not json").status_code == 400
    assert portal.post("/portal/messages", json={"messages": "x"}).status_code == 400
    r = portal.post("/portal/messages", json={"messages": [
        {"key": "k1", "kind": "create", "body": {"code": "X", "submitted_at": "2026-11-16"}},
        {"key": "k2", "kind": "teleport", "body": {}}]}).json()["results"]
    assert r["k1"]["status"] == "rejected" and r["k2"]["status"] == "rejected"
    assert on_portal(portal) == []
