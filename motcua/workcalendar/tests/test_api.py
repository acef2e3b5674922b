"""GET /api/v1/calendar/due-date: the public contract of DESIGN.md."""

import datetime as dt

import pytest

from motcua.workcalendar.actions import set_day_override

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/due-date"


def get(client, **params):
    return client.get(URL, params)


def test_three_working_days_across_tet_2026(client):
    response = get(client, received_at="2026-02-13T10:00:00+07:00", duration=3,
                   unit="working_days")
    assert response.status_code == 200
    assert response.json() == {
        "received_at": "2026-02-13T10:00:00+07:00",
        "counted_from": "2026-02-13T10:00:00+07:00",
        "due_at": "2026-02-25T10:00:00+07:00",
    }


def test_utc_input_is_answered_in_vietnam_time(client):
    response = get(client, received_at="2026-08-21T09:00:00Z", duration=1, unit="working_days")
    body = response.json()
    assert body["received_at"] == "2026-08-21T16:00:00+07:00"
    assert body["due_at"] == "2026-08-22T16:00:00+07:00"  # Saturday 22/08/2026 is a working day


def test_after_hours_receipt_counts_from_the_next_working_moment(client):
    body = get(client, received_at="2026-04-24T18:00:00+07:00", duration=4,
               unit="working_hours").json()
    # Sat 25, Sun 26 (Hùng Kings), Mon 27 (observed) are days off
    assert body["counted_from"] == "2026-04-28T07:00:00+07:00"
    assert body["due_at"] == "2026-04-28T11:00:00+07:00"


def test_same_day_with_a_custom_cutoff(client):
    before = get(client, received_at="2026-11-16T10:30:00+07:00", duration=1, unit="same_day",
                 cutoff="11:00").json()
    after = get(client, received_at="2026-11-16T11:30:00+07:00", duration=1, unit="same_day",
                cutoff="11:00").json()
    assert before["due_at"] == "2026-11-16T17:00:00+07:00"
    assert after["due_at"] == "2026-11-17T17:00:00+07:00"


def test_calendar_days_never_end_on_a_day_off(client):
    body = get(client, received_at="2026-11-06T09:00:00+07:00", duration=10,
               unit="calendar_days").json()
    assert body["due_at"] == "2026-11-16T17:00:00+07:00"  # 16/11 instead of Sunday 15/11


def test_calendar_days_follow_the_civil_code(client):
    # DOMAIN.md section 4: received Friday 18:00, 10 calendar days -> Monday ten days later.
    body = get(client, received_at="2026-03-06T18:00:00+07:00", duration=10,
               unit="calendar_days").json()
    assert body == {
        "received_at": "2026-03-06T18:00:00+07:00",
        "counted_from": "2026-03-07T00:00:00+07:00",
        "due_at": "2026-03-16T17:00:00+07:00",
    }


@pytest.mark.parametrize("received,duration,due", [
    ("2026-04-28T09:00:00+07:00", 2, "2026-05-04T17:00:00+07:00"),  # 30/4, 1/5, weekend
    ("2026-08-21T10:00:00+07:00", 12, "2026-09-03T17:00:00+07:00"),  # National Day 2/9
    ("2026-02-03T10:00:00+07:00", 15, "2026-02-23T17:00:00+07:00"),  # Tết 2026
    ("2027-01-29T15:00:00+07:00", 10, "2027-02-11T17:00:00+07:00"),  # Tết 2027
    ("2026-08-12T10:00:00+07:00", 10, "2026-08-22T17:00:00+07:00"),  # working Saturday
])
def test_calendar_days_ending_on_days_off(client, received, duration, due):
    body = get(client, received_at=received, duration=duration, unit="calendar_days").json()
    assert body["due_at"] == due


def test_a_cutoff_has_no_effect_on_another_unit(client):
    """The public contract (DESIGN.md) takes `cutoff` with every unit; the law gives it a
    meaning for same-day procedures only, so on the others it changes nothing."""
    params = dict(received_at="2026-03-09T16:00:00+07:00", duration=1, unit="working_days")
    with_cutoff = get(client, **params, cutoff="15:00")
    assert with_cutoff.status_code == 200
    assert with_cutoff.json() == get(client, **params).json()


def test_a_local_override_takes_effect_at_once(client):
    params = dict(received_at="2026-11-16T09:00:00+07:00", duration=1, unit="working_days")
    assert get(client, **params).json()["due_at"] == "2026-11-17T09:00:00+07:00"
    set_day_override(dt.date(2026, 11, 17), is_working=False, reason="Bão số 9", actor=None)
    assert get(client, **params).json()["due_at"] == "2026-11-18T09:00:00+07:00"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"received_at": "yesterday", "duration": 1, "unit": "working_days"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": 0, "unit": "working_days"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": -3, "unit": "working_days"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": "x", "unit": "working_days"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": 99999, "unit": "working_days"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": 1, "unit": "fortnights"},
        {"received_at": "2026-11-16T09:00:00+07:00", "duration": 1, "unit": "same_day",
         "cutoff": "25:00"},
        {"received_at": "1999-01-01T09:00:00+07:00", "duration": 1, "unit": "working_days"},
    ],
)
def test_bad_queries_get_a_problem_json_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]
