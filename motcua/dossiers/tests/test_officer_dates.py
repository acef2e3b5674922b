"""Dates an officer enters lie in a documented window (issue 9: an apology's new appointment in
year 9999 was accepted and printed on Form 04). Refused with a 400 naming the field and the
window, and nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import InvalidInput
from motcua.dossiers import actions
from motcua.dossiers.models import Apology, Dossier, DossierEvent, Handover, Letter
from motcua.dossiers.tests.factories import at, received
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db


def written(d: Dossier) -> tuple:
    """What an apology or a handover would write, to compare before and after a refusal."""
    d.refresh_from_db()
    return (DossierEvent.objects.filter(dossier=d).count(), Apology.objects.count(),
            Letter.objects.count(), Handover.objects.count(), d.status, d.appointment_at,
            d.apologies, d.due_at)


def problem(response, status=400):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_an_apology_in_year_9999_is_refused_naming_the_field_and_the_window(api, org,
                                                                           procedure):
    d = received(org, procedure, timezone.now())
    before = written(d)
    api.force_authenticate(org.officer_a)
    body = problem(api.post(f"/api/v1/dossiers/{d.code}/actions/apologize",
                            {"reason": "Cần xác minh thêm",
                             "new_appointment": "9999-12-31T16:00:00+07:00"}, format="json"))
    assert body["code"] == body["field"] == "new_appointment"
    assert "new_appointment" in body["detail"] and "Lịch hẹn trả kết quả mới" in body["detail"]
    assert "31/12/9999" in body["detail"]
    earliest = dt.datetime.fromisoformat(body["earliest"])
    latest = dt.datetime.fromisoformat(body["latest"])
    assert earliest == d.due_at and earliest < latest < d.due_at + dt.timedelta(days=30)
    assert earliest.strftime("%H:%M %d/%m/%Y") in body["detail"]
    assert latest.strftime("%H:%M %d/%m/%Y") in body["detail"]
    assert written(d) == before  # no apology, no letter, no event, the appointment as it was
    # Form 04 is not there to print
    assert api.get(f"/api/v1/dossiers/{d.code}/slips/04.pdf").status_code in (404, 409)


def test_a_new_appointment_at_the_end_of_the_window_is_given_one_minute_later_is_not(api, org,
                                                                                    procedure):
    d = received(org, procedure, timezone.now())
    latest = actions.officer_date_limit(d, d.due_at)
    api.force_authenticate(org.officer_a)
    url = f"/api/v1/dossiers/{d.code}/actions/apologize"
    before = written(d)
    late = (latest + dt.timedelta(minutes=1)).isoformat()
    problem(api.post(url, {"reason": "Chậm", "new_appointment": late}, format="json"))
    assert written(d) == before
    done = api.post(url, {"reason": "Chậm", "new_appointment": latest.isoformat()}, format="json")
    assert done.status_code == 200, done.content
    assert dt.datetime.fromisoformat(done.json()["appointment_at"]) == latest


@pytest.mark.parametrize("when", ["08:59 19/11/2026", "09:00 19/11/2026"])
def test_a_new_appointment_not_after_the_current_one_is_refused(org, procedure, when):
    d = received(org, procedure, at("09:00 16/11/2026"))  # due 09:00 19/11/2026
    before = written(d)
    with pytest.raises(InvalidInput) as error:
        actions.perform(d, "apologize", org.specialist_a, reason="Chậm",
                        new_appointment=at(when), now=at("08:00 18/11/2026"))
    assert error.value.code == "new_appointment"
    assert error.value.extra["earliest"] == "2026-11-19T09:00:00+07:00"
    assert written(d) == before


def test_the_window_is_ten_working_days_for_a_short_procedure(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))  # 3 working days: due 09:00 19/11
    # ten working days on from the due time; 24/11/2026 is a day off (Vietnam Cultural Day)
    assert actions.officer_date_limit(d, d.due_at) == at("09:00 04/12/2026")
    with pytest.raises(InvalidInput):
        actions.perform(d, "apologize", org.specialist_a, reason="Chậm",
                        new_appointment=at("09:01 04/12/2026"), now=at("08:00 18/11/2026"))
    d = actions.perform(d, "apologize", org.specialist_a, reason="Chậm",
                        new_appointment=at("09:00 04/12/2026"), now=at("08:00 18/11/2026"))
    assert d.appointment_at == at("09:00 04/12/2026")


def test_the_window_is_the_legal_duration_again_for_a_long_procedure(org):
    land = build_procedure(code="1.012345", duration=30, unit="working_days")
    d = received(org, land, at("09:00 02/11/2026"))
    assert d.due_at == at("09:00 15/12/2026")
    # 30 working days again from the due time (1 January is a day off)
    assert actions.officer_date_limit(d, d.due_at) == at("09:00 27/01/2027")


def test_the_window_is_a_setting(org, procedure, settings):
    settings.OFFICER_DATE_WINDOW_WORKING_DAYS = 1
    d = received(org, procedure, at("09:00 16/11/2026"))
    # now the procedure's own 3 working days are the longer (24/11 is a day off)
    assert actions.officer_date_limit(d, d.due_at) == at("09:00 25/11/2026")


@pytest.mark.parametrize("due", ["2026-11-16T09:00:00+07:00", "9999-12-31T16:00:00+07:00"])
def test_the_due_time_of_a_part_handed_over_lies_in_the_window(api, org, procedure, due):
    d = received(org, procedure, timezone.now())
    before = written(d)
    api.force_authenticate(org.specialist_a)
    body = problem(api.post(f"/api/v1/dossiers/{d.code}/actions/send_interagency",
                            {"to_agency_code": org.department.code, "step_due_at": due},
                            format="json"))
    assert body["code"] == body["field"] == "step_due_at"
    assert "step_due_at" in body["detail"]
    assert written(d) == before


def test_a_handover_with_a_due_time_in_the_window_is_recorded(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "send_interagency", org.specialist_a, to_agency=org.department.code,
                        step_due_at=at("16:00 18/11/2026"), now=at("10:00 16/11/2026"))
    assert d.handovers.get().step_due_at == at("16:00 18/11/2026")
    d = actions.perform(d, "return_interagency", org.specialist_a, now=at("11:00 16/11/2026"))
    with pytest.raises(InvalidInput) as error:  # before the moment it is handed over
        actions.perform(d, "send_interagency", org.specialist_a, to_agency=org.department.code,
                        step_due_at=at("10:00 16/11/2026"), now=at("11:00 16/11/2026"))
    assert error.value.extra["earliest"] == "2026-11-16T11:00:00+07:00"
