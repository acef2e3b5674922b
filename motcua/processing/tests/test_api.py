"""The processing API as staff use it: worklists, step history, claim, assign, step actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.dossiers.models import Status
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.processing.tests.conftest import T0, at

pytestmark = pytest.mark.django_db


def as_user(api, user):
    api.force_authenticate(user)
    return api


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


def test_the_whole_process_through_the_api(api, world):
    d = world.receive(form_data={"has_land": True})
    steps = as_user(api, world.org.specialist_a).get(f"/api/v1/dossiers/{d.code}/steps").json()
    assert steps["run"]["process"]["number"] == 1
    [check] = steps["steps"]
    assert check["key"] == "check" and check["allowed_actions"] == ["claim"]
    assert check["timeliness"] in ("in_time", "overdue")
    sid = check["id"]
    claimed = api.post(f"/api/v1/steps/{sid}/claim")
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["steps"][0]["assignee"]["username"] == "specialist.a"
    assert claimed.json()["steps"][0]["allowed_actions"] == [
        "forward", "handover", "request_supplement", "request_payment", "refuse"]
    moved = api.post(f"/api/v1/steps/{sid}/actions/forward", {"note": "Có đất"}, format="json")
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["status"]["code"] == Status.INTEROPERATING
    assert [s["key"] for s in body["steps"]] == ["check", "tax"]
    assert body["steps"][1]["allowed_actions"] == []  # not the caller's agency
    tax_id = body["steps"][1]["id"]
    as_user(api, world.tax_officer).post(f"/api/v1/steps/{tax_id}/claim")
    back = api.post(f"/api/v1/steps/{tax_id}/actions/forward", {}, format="json").json()
    assert back["status"]["code"] == Status.PROCESSING
    approve_id = back["steps"][-1]["id"]
    as_user(api, world.head_a)
    head_view = api.get(f"/api/v1/dossiers/{d.code}/steps").json()["steps"][-1]
    assert head_view["allowed_actions"] == ["return", "refuse", "approve", "claim", "assign"]
    ready = api.post(f"/api/v1/steps/{approve_id}/actions/approve", {}, format="json").json()
    assert ready["status"]["code"] == Status.RESULT_READY
    deliver_id = ready["steps"][-1]["id"]
    as_user(api, world.org.officer_a).post(f"/api/v1/steps/{deliver_id}/claim")
    done = api.post(f"/api/v1/steps/{deliver_id}/actions/finish", {}, format="json").json()
    assert done["status"]["code"] == Status.RETURNED
    assert done["run"]["finished_at"] is not None


def test_step_actions_by_whom_may_not_see_the_step_are_404_like_no_step_and_audited(
        api, world):
    d = world.receive()
    step = world.open_step(d)
    as_user(api, world.specialist_b)  # another commune: may not see the step
    for call in (
        lambda s: api.post(f"/api/v1/steps/{s}/claim"),
        lambda s: api.post(f"/api/v1/steps/{s}/actions/forward", {}, format="json"),
        lambda s: api.post(f"/api/v1/steps/{s}/assign", {"username": "specialist.b"},
                           format="json"),
        lambda s: api.post(f"/api/v1/steps/{s}/assign", {"username": "nobody"},
                           format="json"),
    ):
        hidden, missing = call(step.pk).json(), call(999_999).json()
        assert hidden == missing and hidden["status"] == 404  # nothing tells them apart
    attempts = list(AuditEvent.objects.filter(action="step.refused")
                    .values_list("data__attempted", flat=True))
    assert attempts == ["claim", "forward", "assign", "assign"]
    # the step's own dossier is not readable from another commune
    assert api.get(f"/api/v1/dossiers/{d.code}/steps").status_code == 404


def test_offered_actions_unknown_actions_and_bad_input(api, world):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    as_user(api, world.org.specialist_a)
    body = problem(api.post(f"/api/v1/steps/{step.pk}/actions/approve", {}, format="json"), 409,
                   "action_not_offered")
    assert body["offered"] == ["forward", "handover", "request_supplement",
                               "request_payment", "refuse"]
    assert api.post(f"/api/v1/steps/{step.pk}/actions/fly", {}, format="json").status_code == 404
    assert api.post("/api/v1/steps/999999/claim").status_code == 404
    assert api.post("/api/v1/steps/999999/actions/forward", {}, format="json").status_code == 404
    problem(api.post(f"/api/v1/steps/{step.pk}/actions/refuse", {}, format="json"), 400,
            "reason")
    problem(api.post(f"/api/v1/steps/{step.pk}/actions/request_supplement", {"items": []},
                     format="json"), 400, "items")
    problem(api.post(f"/api/v1/steps/{step.pk}/actions/request_payment", {"amount_vnd": 0},
                     format="json"), 400, "invalid")
    assert world.open_step(d).pk == step.pk


def test_assign_by_username(api, world):
    d = world.receive()
    step = world.open_step(d)
    as_user(api, world.head_a)
    problem(api.post(f"/api/v1/steps/{step.pk}/assign", {"username": "nobody"}, format="json"),
            400, "assignee")
    problem(api.post(f"/api/v1/steps/{step.pk}/assign", {"username": "specialist.b"},
                     format="json"), 400, "assignee")
    done = api.post(f"/api/v1/steps/{step.pk}/assign", {"username": "specialist.a2"},
                    format="json")
    assert done.status_code == 200
    assert done.json()["steps"][0]["assignee"]["username"] == "specialist.a2"


def test_dossier_level_processing_actions_are_refused_for_dossiers_with_a_process(api, world):
    d = world.receive()
    as_user(api, world.org.specialist_a)
    detail = api.get(f"/api/v1/dossiers/{d.code}").json()
    assert "start_processing" not in detail["allowed_actions"]
    for action in ("start_processing", "send_interagency", "mark_result_ready",
                   "refuse_on_merits", "request_payment"):
        body = problem(api.post(f"/api/v1/dossiers/{d.code}/actions/{action}",
                                {"reason": "x", "amount_vnd": 1}, format="json"),
                       409, "use_process_steps")
        assert f"/api/v1/dossiers/{d.code}/steps" in body["detail"]
    # other dossier actions (the applicant's, the one-stop officer's) still work
    as_user(api, world.org.officer_a)
    assert "request_supplement" in api.get(f"/api/v1/dossiers/{d.code}").json()[
        "allowed_actions"]


# --- worklists ----------------------------------------------------------------------------


def worklist(api, user, **params):
    response = as_user(api, user).get("/api/v1/worklist", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_worklist_views_and_counts(api, world):
    mine = world.receive()
    pactions.claim(world.open_step(mine), user=world.org.specialist_a, now=at(T0))
    world.receive("09:05 16/11/2026")  # in the queue
    waiting = world.receive("09:10 16/11/2026")
    pactions.claim(world.open_step(waiting), user=world.org.specialist_a, now=at(T0))
    pactions.act(world.open_step(waiting), "request_supplement", actor=world.org.specialist_a,
               items=[{"name": "Tờ khai"}], now=at("09:20 16/11/2026"))
    away = world.receive("09:15 16/11/2026")
    pactions.claim(world.open_step(away), user=world.org.specialist_a, now=at(T0))
    pactions.act(world.open_step(away), "handover", actor=world.org.specialist_a,
               now=at("09:30 16/11/2026"))

    body = worklist(api, world.org.specialist_a)
    assert body["view"] == "mine"
    assert body["counts"]["mine"] == 2 and body["counts"]["queue"] == 1
    assert body["counts"]["waiting"] == 1 and body["counts"]["handed_over"] == 1
    assert body["count"] == 2
    assert {i["dossier"]["code"] for i in body["items"]} == {mine.code, waiting.code}
    item = next(i for i in body["items"] if i["dossier"]["code"] == mine.code)
    assert item["name"] == "Thẩm định hồ sơ" and item["agency"]["code"] == world.org.pc_a.code
    assert item["assignee"]["username"] == "specialist.a"
    assert item["dossier"]["procedure_code"] == "1.004873"
    assert item["dossier"]["status"]["code"] == Status.RECEIVED
    assert item["late"] is (timezone.now() > at("09:00 17/11/2026"))
    handed = worklist(api, world.org.specialist_a, view="handed_over")["items"]
    assert [(i["dossier"]["code"], i["key"], i["agency"]["code"]) for i in handed] == [
        (away.code, "tax", world.tax.code)]
    assert worklist(api, world.tax_officer, view="queue")["count"] == 1
    assert worklist(api, world.specialist_a2, view="mine")["count"] == 0
    assert worklist(api, world.specialist_a2, view="queue")["count"] == 1
    assert worklist(api, world.specialist_b)["counts"] == dict.fromkeys(
        ["mine", "queue", "due_soon", "late", "waiting", "handed_over"], 0)


def test_due_soon_and_late_views_follow_the_clock(api, world, monkeypatch):
    d1 = world.receive("09:00 16/11/2026")  # check due 09:00 Tue
    d2 = world.receive("16:00 16/11/2026")  # check due 16:00 Tue
    for d in (d1, d2):
        pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    world.receive("08:00 17/11/2026")  # queue; due 08:00 Wed

    def at_time(text):
        monkeypatch.setattr(timezone, "now", lambda: at(text))

    at_time("08:30 17/11/2026")  # Tue 08:30: one working day ahead is 08:30 Wed
    counts = worklist(api, world.org.specialist_a)["counts"]
    assert (counts["due_soon"], counts["late"]) == (3, 0)
    at_time("10:00 17/11/2026")
    counts = worklist(api, world.org.specialist_a)["counts"]
    assert (counts["due_soon"], counts["late"]) == (2, 1)
    late = worklist(api, world.org.specialist_a, view="late")["items"]
    assert [i["dossier"]["code"] for i in late] == [d1.code] and late[0]["late"] is True
    # a head sees every late step of the agency, not only their own and the queue's
    assert worklist(api, world.head_a, view="late")["count"] == 1
    assert worklist(api, world.specialist_a2, view="late")["count"] == 0


def test_filters_and_sorting(api, world):
    codes = [world.receive(f"{h}:00 16/11/2026").code for h in ("09", "10", "14")]
    body = worklist(api, world.org.specialist_a, view="queue", sort="-due_at")
    assert [i["dossier"]["code"] for i in body["items"]] == codes[::-1]
    body = worklist(api, world.org.specialist_a, view="queue", limit=1, offset=1)
    assert [i["dossier"]["code"] for i in body["items"]] == codes[1:2] and body["count"] == 3
    assert worklist(api, world.org.specialist_a, view="queue", procedure="1.000000")["count"] == 0
    assert worklist(api, world.org.specialist_a, view="queue", status="2,4")["count"] == 3
    assert worklist(api, world.org.specialist_a, view="queue", status="4")["count"] == 0
    for bad in ({"view": "all"}, {"sort": "name"}, {"status": "x"}, {"limit": 1000}):
        response = as_user(api, world.org.specialist_a).get("/api/v1/worklist", bad)
        problem(response, 400, "invalid")


def test_officers_find_a_dossier_in_their_worklists_by_its_code(api, world):
    first, second, third = (world.receive(f"{h}:00 16/11/2026") for h in ("09", "10", "14"))
    pactions.claim(world.open_step(second), user=world.org.specialist_a, now=at(T0))
    body = worklist(api, world.org.specialist_a, view="queue", q=f" {third.code} ")
    assert [i["dossier"]["code"] for i in body["items"]] == [third.code]
    assert body["counts"]["queue"] == 1 and body["counts"]["mine"] == 0  # counts follow it
    prefix = first.code.rsplit("-", 1)[0]  # unit and day: all three
    body = worklist(api, world.org.specialist_a, view="queue", q=prefix)
    assert body["counts"]["queue"] == 2 and body["counts"]["mine"] == 1
    for wildcard in ("%", "_", f"{prefix}-%1"):  # LIKE's wildcards are plain characters
        assert worklist(api, world.org.specialist_a, view="queue", q=wildcard)["count"] == 0
    unit = as_user(api, world.head_a).get(f"/api/v1/worklist/unit/{world.org.pc_a.code}",
                                          {"q": second.code}).json()
    assert unit["counts"]["all"] == 1 and unit["items"][0]["dossier"]["code"] == second.code
    problem(as_user(api, world.org.specialist_a).get("/api/v1/worklist", {"q": "x" * 49}),
            400, "invalid")


def test_worklists_are_for_staff(api, world):
    problem(as_user(api, world.org.citizen).get("/api/v1/worklist"), 403, "staff_only")
    assert api.logout() is None
    assert api.get("/api/v1/worklist").status_code == 401


def test_the_worklist_query_count_does_not_grow_with_its_size(api, world):
    def queries() -> int:
        as_user(api, world.org.specialist_a)
        with CaptureQueriesContext(connection) as ctx:
            body = api.get("/api/v1/worklist", {"view": "queue"}).json()
        return len(ctx.captured_queries), body["count"]

    world.receive()
    small, count = queries()
    assert count == 1
    for minute in range(10, 30):
        world.receive(f"09:{minute} 16/11/2026")
    large, count = queries()
    assert count == 21 and large == small
    assert small <= 6


def test_the_unit_worklist_is_for_its_heads(api, world):
    first = world.receive()
    pactions.claim(world.open_step(first), user=world.org.specialist_a, now=at(T0))
    world.receive("09:30 16/11/2026")
    problem(as_user(api, world.org.specialist_a).get(
        f"/api/v1/worklist/unit/{world.org.pc_a.code}"), 403, "not_unit_head")
    assert AuditEvent.objects.filter(action="worklist.refused").count() == 1
    problem(as_user(api, world.tax_head).get(f"/api/v1/worklist/unit/{world.org.pc_a.code}"),
            403, "not_unit_head")
    assert as_user(api, world.head_a).get("/api/v1/worklist/unit/nope").status_code == 404
    body = api.get(f"/api/v1/worklist/unit/{world.org.pc_a.code}").json()
    assert body["counts"]["all"] == 2 and body["counts"]["queue"] == 1
    assert body["counts"]["assigned"] == 1
    assert body["by_assignee"] == [{"username": "specialist.a", "full_name": "Phạm Quốc Bảo",
                                    "open": 1, "late": body["by_assignee"][0]["late"]}]
    assigned = next(i for i in body["items"] if i["assignee"])
    assert assigned["assignee_can_act"] is True
    # a staff move takes effect at once: the head sees the step's assignee can no longer act
    from motcua.org.models import StaffRole

    StaffRole.objects.filter(user=world.org.specialist_a).update(is_active=False)
    body = api.get(f"/api/v1/worklist/unit/{world.org.pc_a.code}", {"view": "assigned"}).json()
    assert [i["assignee_can_act"] for i in body["items"]] == [False]
    assert worklist(api, world.org.specialist_a)["counts"]["mine"] == 0


def shape(value):
    """The nested keys of a JSON value or of a DRF serializer's fields."""
    from rest_framework import serializers

    if isinstance(value, serializers.BaseSerializer):
        return {name: shape(f) for name, f in value.fields.items()}
    if isinstance(value, dict):
        return {name: shape(v) for name, v in value.items()}
    return None


def test_work_items_have_the_schema_fields(api, world):
    """The worklists build their items by hand (the hot path): the same fields as the schema."""
    from motcua.processing.serializers import WorkItemSerializer

    world.receive()
    assigned = world.receive("09:30 16/11/2026")
    pactions.claim(world.open_step(assigned), user=world.org.specialist_a, now=at(T0))
    expected = shape(WorkItemSerializer())
    for user, url, extra in ((world.org.specialist_a, "/api/v1/worklist?view=mine", False),
                             (world.head_a, f"/api/v1/worklist/unit/{world.org.pc_a.code}",
                              True)):
        items = as_user(api, user).get(url).json()["items"]
        assert items and any(i["assignee"] for i in items)
        for item in items:
            fields = {k: v for k, v in expected.items() if extra or k != "assignee_can_act"}
            if item["assignee"] is None:
                fields["assignee"] = None
            assert shape(item) == fields


def test_the_endpoints_are_in_the_openapi_schema(api, world):
    schema = as_user(api, world.head_a).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/worklist", "/api/v1/worklist/unit/{code}",
                 "/api/v1/dossiers/{code}/steps", "/api/v1/steps/{step_id}/claim",
                 "/api/v1/steps/{step_id}/assign", "/api/v1/steps/{step_id}/actions/{action}"):
        assert path in schema["paths"], path


def test_step_history_shows_outcomes_and_who_acted(api, world):
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at(T0))
    pactions.act(world.open_step(d), "forward", actor=world.org.specialist_a, note="OK",
               now=at("10:00 16/11/2026"))
    steps = as_user(api, world.org.officer_a).get(f"/api/v1/dossiers/{d.code}/steps").json()
    first, second = steps["steps"]
    assert (first["outcome"], first["acted_by"]["username"], first["note"]) == (
        "forward", "specialist.a", "OK")
    assert first["timeliness"] == "early" and first["allowed_actions"] == []
    assert second["previous_id"] == first["id"] and second["finished_at"] is None
    assert StepInstance.objects.count() == 2


def test_worklist_and_steps_give_times_in_vietnam_time_like_every_endpoint(api, world):
    d = world.receive()
    as_user(api, world.org.specialist_a)
    item = api.get("/api/v1/worklist?view=queue").json()["items"][0]
    assert item["started_at"] == "2026-11-16T09:00:00+07:00"
    assert item["due_at"].endswith("+07:00") and item["dossier"]["due_at"].endswith("+07:00")
    steps = api.get(f"/api/v1/dossiers/{d.code}/steps").json()
    assert steps["steps"][0]["started_at"] == "2026-11-16T09:00:00+07:00"
    as_user(api, world.head_a)
    unit = api.get(f"/api/v1/worklist/unit/{world.org.pc_a.code}").json()
    assert unit["items"][0]["due_at"].endswith("+07:00")


def test_a_step_actions_answer_is_the_steps_as_read_afresh(api, world):
    """The answer reuses what the action read (its run, the caller's roles, the dossier it
    changed): it must be what GET /steps reads from the database just after, at every step,
    the run's end included."""
    d = world.receive(form_data={"has_land": True})
    url = f"/api/v1/dossiers/{d.code}/steps"
    flow = [(world.org.specialist_a, "claim"), (world.org.specialist_a, "forward"),
            (world.tax_officer, "claim"), (world.tax_officer, "forward"),
            (world.head_a, "approve"), (world.org.officer_a, "claim"),
            (world.org.officer_a, "finish")]
    for user, action in flow:
        as_user(api, user)
        open_id = [s for s in api.get(url).json()["steps"] if s["finished_at"] is None][-1]["id"]
        path = "claim" if action == "claim" else f"actions/{action}"
        answer = api.post(f"/api/v1/steps/{open_id}/{path}", {}, format="json")
        assert answer.status_code == 200, answer.content
        answered, afresh = answer.json(), api.get(url).json()
        for body in (answered, afresh):  # read against the clock of each request
            for step in body["steps"]:
                step.pop("timeliness")
        assert answered == afresh, action
    assert afresh["run"]["finished_at"] is not None
    assert afresh["status"]["code"] == Status.RETURNED


def test_the_steps_answer_is_rendered_as_its_serializer_renders_it(api, world):
    """rendered_steps (the fast path) against DossierStepsSerializer (the schema), on a
    history with every kind of value: finished and open steps, people and none, a run that
    ended, times in and out of daylight (Vietnam has none: +07:00 throughout)."""
    from motcua.processing.api import steps_payload
    from motcua.processing.serializers import DossierStepsSerializer, rendered_steps

    d = world.receive(form_data={"has_land": True})
    steps_seen = []
    flow = [(world.org.specialist_a, "claim"), (world.org.specialist_a, "forward"),
            (world.tax_head, "forward"), (world.head_a, "approve"),
            (world.org.officer_a, "claim"), (world.org.officer_a, "finish")]
    for user, action in flow:
        d.refresh_from_db()
        for viewer in (user, world.head_a, world.org.officer_a):
            payload = steps_payload(d, viewer)
            assert rendered_steps(payload) == DossierStepsSerializer(payload).data
            steps_seen.append(payload)
        step = world.open_step(d)
        if action == "claim":
            pactions.claim(step, user=user, now=at(T0))
        else:
            pactions.act(step, action, actor=user, note=f"{action} ✓", now=at(T0))
    d.refresh_from_db()
    payload = steps_payload(d, world.head_a)
    assert payload["run"]["finished_at"] is not None
    assert rendered_steps(payload) == DossierStepsSerializer(payload).data
    assert any(s["assignee"] is None for p in steps_seen for s in p["steps"])
    assert any(s["acted_by"] for p in steps_seen for s in p["steps"])
