"""Staff in-app notices: written from processing's EscalationRaised, read through the API."""

import pytest

from motcua.core.events import events
from motcua.notifications.models import Notification
from motcua.processing.escalation import run_pass
from motcua.processing.events import EscalationRaised
from motcua.processing.models import Escalation
from motcua.processing.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_notifications_app_subscribes_to_escalations():
    assert events.subscribers(EscalationRaised) == [
        "motcua.notifications.subscribers.notify_staff_of"]


def test_an_escalation_becomes_one_notice_per_recipient_in_its_transaction(world):
    d = world.receive()
    run_pass(at("15:00 16/11/2026"))
    escalation = Escalation.objects.get()
    notes = Notification.objects.order_by("user__username")
    assert [n.user.username for n in notes] == sorted(escalation.recipients)
    assert len(escalation.recipients) >= 2  # the step's queue: every specialist
    assert {(n.kind, n.dossier_id, n.read_at) for n in notes} == {("step_due_soon", d.pk, None)}
    run_pass(at("15:30 16/11/2026"))  # the same warning is not raised again
    assert Notification.objects.count() == len(escalation.recipients)


def test_notifications_api_lists_and_marks_read(api, world):
    world.receive()
    run_pass(at("15:00 16/11/2026"))
    api.force_authenticate(world.org.specialist_a)
    body = api.get("/api/v1/notifications").json()
    assert body["count"] == 1
    [note] = body["results"]
    assert note["kind"] == "step_due_soon" and note["dossier_code"]
    assert note["read_at"] is None
    read = api.post(f"/api/v1/notifications/{note['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert api.get("/api/v1/notifications", {"unread": "true"}).json()["count"] == 0
    api.force_authenticate(world.specialist_a2)
    assert api.post(f"/api/v1/notifications/{note['id']}/read").status_code == 404
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 0}




def test_the_endpoints_are_in_the_openapi_schema(api, world):
    api.force_authenticate(world.org.specialist_a)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/notifications", "/api/v1/notifications/{notification_id}/read",
                 "/api/v1/notifications/read-all"):
        assert path in schema["paths"], path
    assert "Notification" in schema["components"]["schemas"]
