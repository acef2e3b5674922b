"""GET /api/v1/dossiers/<code>/due-explanation: why the due time, as data, read under the
dossier detail's policy."""

import pytest

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, received

pytestmark = pytest.mark.django_db


def url(d) -> str:
    return f"/api/v1/dossiers/{d.code}/due-explanation"


def test_the_applicant_reads_why_day_by_day(api, org, procedure):
    d = received(org, procedure, at("17:30 20/11/2026"))  # Friday after hours
    d = actions.perform(d, "request_supplement", None, items=[{"name": "Tờ khai"}],
                        now=at("09:00 25/11/2026"))
    d = actions.perform(d, "receive_supplement", None, now=at("10:00 25/11/2026"))
    api.force_authenticate(org.citizen)
    response = api.get(url(d), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_at"] == body["rebuilt_due_at"] == "2026-11-27T08:00:00+07:00"
    assert body["matches"] and body["code"] == d.code
    counting = body["counting"]
    assert (counting["start"], counting["counted_from"], counting["cutoff"]) == (
        "after_closing", "2026-11-23T07:00:00+07:00", None)
    assert [(day["date"], day["kind"], day["counted"], day["working_seconds"])
            for day in counting["days"]] == [
        ("2026-11-21", "weekend", False, 0), ("2026-11-22", "weekend", False, 0),
        ("2026-11-23", "working", True, 28800),
        ("2026-11-24", "day_off", False, 0),
        ("2026-11-25", "working", True, 28800), ("2026-11-26", "working", True, 28800),
    ]
    assert counting["days"][3]["name"] == "Vietnam Cultural Day"
    assert counting["days"][2]["periods"] == [
        {"start": "2026-11-23T07:00:00+07:00", "end": "2026-11-23T11:30:00+07:00"},
        {"start": "2026-11-23T13:30:00+07:00", "end": "2026-11-23T17:00:00+07:00"}]
    (pause,) = body["pauses"]
    assert pause == {
        "reason": "supplement", "started_at": "2026-11-25T09:00:00+07:00",
        "ended_at": "2026-11-25T10:00:00+07:00", "end": "resumed",
        "due_before": "2026-11-26T17:00:00+07:00", "due_after": "2026-11-27T08:00:00+07:00",
        "paused_working_seconds": 3600, "paused_days": 0, "restart": None}
    assert body["duration"] == {
        "value": 3, "unit": "working_days", "case": "", "case_label": "", "by_data": False,
        "reason": "", "online": False, "procedure_version": 1, "version_from": "2025-07-01"}
    assert body["apologies"] == [] and body["paused_since"] is None


@pytest.mark.parametrize("who", ["other_citizen", "officer_b", None])
def test_refused_to_whoever_may_not_read_the_dossier(api, org, procedure, who):
    d = received(org, procedure, at("09:00 16/11/2026"))
    if who:
        api.force_authenticate(getattr(org, who))
    response = api.get(url(d))
    assert response.status_code in ((404,) if who else (401, 404))
    assert "due_at" not in response.json()


def test_staff_of_the_dossier_read_it_too(api, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    api.force_authenticate(org.specialist_a)
    assert api.get(url(d)).json()["due_at"] == "2026-11-19T09:00:00+07:00"


def test_no_clock_before_receipt(api, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    api.force_authenticate(org.citizen)
    response = api.get(url(d))
    assert response.status_code == 409 and response.json()["code"] == "no_clock"


def test_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/dossiers/{code}/due-explanation"]["get"]
    assert set(operation["responses"]) >= {"200", "404", "409"}
    assert "DueExplanation" in schema["components"]["schemas"]
