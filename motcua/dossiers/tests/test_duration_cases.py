"""Procedures with more than one legal duration: the case is chosen from the dossier's data or
by the officer at receipt with a reason, recorded on the dossier and its receipt event, shown in
the detail and printed on Form 01 (issue 8)."""

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.slips import render_slip
from motcua.dossiers.tests.factories import at, online, submission
from motcua.dossiers.tests.test_slips import pdf_text
from motcua.tests.builders import build_procedure

pytestmark = pytest.mark.django_db

MARRIAGE_CASES = [{
    "key": "verification", "label_vi": "Cần xác minh điều kiện kết hôn của hai bên nam, nữ",
    "label_en": "Verification is needed", "value": 5, "unit": "working_days",
    "when": {"field": "form_data.can_xac_minh", "equals": True},
}]
PERMIT_CASES = [
    {"key": "individual_house", "label_vi": "Nhà ở riêng lẻ", "label_en": "Individual house",
     "value": 15, "unit": "calendar_days"},
    {"key": "grade_iii_iv_works", "label_vi": "Công trình cấp III, cấp IV",
     "label_en": "Grade III or IV works", "value": 20, "unit": "calendar_days"},
]


@pytest.fixture
def marriage(db):
    return build_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn", duration=1,
                           unit="same_day", cutoff=__import__("datetime").time(15),
                           duration_cases=MARRIAGE_CASES)


@pytest.fixture
def permit(db):
    return build_procedure(code="1.013225", name="Cấp giấy phép xây dựng", duration=15,
                           unit="calendar_days", duration_cases=PERMIT_CASES)


def at_counter(org, procedure, now, form_data=None, **inputs):
    sub = submission(org, procedure, channel=1)
    if form_data is not None:
        sub = actions.Submission(**{**sub.__dict__, "form_data": form_data})
    return actions.intake_at_counter(sub, officer=org.officer_a, now=now, **inputs)


def test_without_a_case_the_procedures_own_duration_applies(org, marriage):
    d = at_counter(org, marriage, at("10:00 16/11/2026"))
    assert d.due_at == at("17:00 16/11/2026")
    assert (d.duration_case, d.duration_value, d.duration_unit) == ("", 1, "same_day")


def test_the_dossiers_data_selects_the_verification_case(org, marriage):
    d = at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True})
    assert (d.duration_case, d.duration_value, d.duration_unit) == ("verification", 5,
                                                                     "working_days")
    assert d.duration_reason == ""
    assert d.due_at == at("10:00 23/11/2026")  # 5 working days
    event = d.events.get(action="receive")
    assert event.data["duration_case"] == "verification"
    assert event.data["duration_value"] == 5 and event.data["duration_unit"] == "working_days"


def test_the_officer_chooses_a_case_with_a_reason(org, permit):
    d = at_counter(org, permit, at("18:00 06/03/2026"), duration_case="grade_iii_iv_works",
                   duration_reason="Công trình cấp III theo hồ sơ thiết kế")
    # Civil Code: 20 days from Sat 7 Mar end on Thu 26 Mar at the end of working time
    assert d.due_at == at("17:00 26/03/2026")
    assert d.counted_from == at("00:00 07/03/2026")
    assert d.duration_case_label == "Công trình cấp III, cấp IV"
    event = d.events.get(action="receive")
    assert event.data["duration_reason"] == "Công trình cấp III theo hồ sơ thiết kế"


def test_an_officer_overriding_the_data_needs_a_reason(org, marriage):
    with pytest.raises(InvalidInput) as caught:
        at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True},
                   duration_case="default")
    assert caught.value.code == "duration_reason"
    assert not Dossier.objects.exists()  # nothing half-written
    d = at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True},
                   duration_case="default", duration_reason="Đã xác minh qua CSDL hộ tịch")
    assert (d.duration_case, d.duration_unit) == ("default", "same_day")
    assert d.due_at == at("17:00 16/11/2026")


def test_an_unknown_case_is_refused(org, marriage):
    with pytest.raises(InvalidInput) as caught:
        at_counter(org, marriage, at("10:00 16/11/2026"), duration_case="express",
                   duration_reason="x")
    assert caught.value.code == "unknown_duration_case"
    assert "verification" in str(caught.value.detail)
    assert not Dossier.objects.exists()


def test_accepting_online_takes_the_case(org, permit):
    d = online(org, permit, at("20:00 13/11/2026"))
    with pytest.raises(InvalidInput):
        actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"),
                        duration_case="individual_house")  # a choice without a reason
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.due_at is None
    d = actions.perform(d, "accept", org.officer_a, now=at("10:00 16/11/2026"),
                        duration_case="individual_house", duration_reason="Nhà ở riêng lẻ")
    assert d.due_at == at("17:00 01/12/2026")  # day 15 = Tue 1 Dec


def test_restart_counts_the_case_duration_again(org):
    proc = build_procedure(code="1.013225", name="Cấp giấy phép xây dựng", duration=15,
                           unit="calendar_days", duration_cases=PERMIT_CASES,
                           supplement_mode="restart")
    d = at_counter(org, proc, at("09:00 02/11/2026"), duration_case="grade_iii_iv_works",
                   duration_reason="Công trình cấp IV")
    d = actions.perform(d, "request_supplement", org.specialist_a, items=[{"name": "Bản vẽ"}],
                        now=at("09:00 04/11/2026"))
    d = actions.perform(d, "receive_supplement", org.officer_a, now=at("09:00 10/11/2026"))
    assert d.due_at == at("17:00 30/11/2026")  # 20 days from Wed 11 Nov


def test_pause_moves_a_calendar_day_due_date_by_whole_days(org, permit):
    d = at_counter(org, permit, at("09:00 02/11/2026"), duration_case="individual_house",
                   duration_reason="Nhà ở riêng lẻ")
    assert d.due_at == at("17:00 17/11/2026")
    d = actions.perform(d, "request_supplement", org.specialist_a, items=[{"name": "Bản vẽ"}],
                        now=at("09:00 04/11/2026"))
    d = actions.perform(d, "receive_supplement", org.officer_a, now=at("15:00 06/11/2026"))
    assert d.due_at == at("17:00 19/11/2026")  # two days later


def test_a_case_with_another_decision_is_refused(org, permit):
    with pytest.raises(InvalidInput):
        at_counter(org, permit, at("09:00 02/11/2026"), decision="refuse", reason="x",
                   duration_case="individual_house", duration_reason="x")


def test_the_api_takes_and_shows_the_case(api, org, permit):
    from motcua.dossiers.tests.test_api import as_user, payload

    as_user(api, org.officer_a)
    refused = api.post("/api/v1/counter/dossiers",
                       payload(org, permit, decision="receive", duration_case="villa"),
                       format="json")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "unknown_duration_case"
    missing = api.post("/api/v1/counter/dossiers",
                       payload(org, permit, decision="receive", duration_case="individual_house"),
                       format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "duration_reason"
    assert not Dossier.objects.exists()
    done = api.post("/api/v1/counter/dossiers",
                    payload(org, permit, decision="receive", duration_case="individual_house",
                            duration_reason="Nhà ở riêng lẻ 3 tầng"), format="json")
    assert done.status_code == 201, done.content
    assert done.json()["duration"] == {
        "case": "individual_house", "label": "Nhà ở riêng lẻ", "value": 15,
        "unit": "calendar_days", "reason": "Nhà ở riêng lẻ 3 tầng",
    }
    code = done.json()["code"]
    assert api.get(f"/api/v1/dossiers/{code}").json()["duration"]["case"] == "individual_house"


def test_the_accept_action_of_the_api_takes_the_case(api, org, marriage):
    from motcua.dossiers.tests.test_api import as_user

    d = online(org, marriage, at("20:00 13/11/2026"))
    as_user(api, org.officer_a)
    response = api.post(f"/api/v1/dossiers/{d.code}/actions/accept",
                        {"duration_case": "verification", "duration_reason": "Cần xác minh"},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json()["duration"]["case"] == "verification"


def test_form_01_prints_the_duration_that_applies(org, marriage):
    d = at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True})
    from motcua.dossiers.selectors import detail_queryset

    text = " ".join(pdf_text(render_slip(detail_queryset().get(pk=d.pk), "01")).split())
    assert "05 ngày làm việc (Cần xác minh điều kiện kết hôn của hai bên nam, nữ)" in text


def test_migration_backfills_the_duration_of_dossiers_received_before(org, permit):
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("motcua.dossiers.migrations.0005_backfill_duration_applied").backfill
    d = at_counter(org, permit, at("09:00 02/11/2026"))
    waiting = online(org, permit, at("09:00 02/11/2026"))
    Dossier.objects.update(duration_value=None, duration_unit="")
    backfill(apps, None)
    d.refresh_from_db()
    waiting.refresh_from_db()
    assert (d.duration_value, d.duration_unit) == (15, "calendar_days")
    assert (waiting.duration_value, waiting.duration_unit) == (None, "")  # not received yet
