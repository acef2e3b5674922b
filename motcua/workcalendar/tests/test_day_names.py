"""The names of the calendar's special days (service.day_names): holidays.VN in the page's
language, under the local overrides' reasons, as current as the calendar."""

import datetime as dt

import pytest

from motcua.workcalendar.actions import remove_day_override, set_day_override
from motcua.workcalendar.service import day_names

pytestmark = pytest.mark.django_db
CULTURE_DAY = dt.date(2026, 11, 24)


def test_holidays_in_vietnamese_and_in_english():
    assert day_names("vi")[CULTURE_DAY] == "Ngày Văn hóa Việt Nam"
    assert day_names("en")[CULTURE_DAY] == "Vietnam Cultural Day"
    assert day_names("vi")[dt.date(2026, 8, 31)] == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert dt.date(2026, 11, 23) not in day_names("vi")
    assert dt.date(1990, 1, 1) not in day_names("vi")  # outside the calendar's years
    every = dict(day_names("vi"))  # each year named on demand, all of them when listed
    assert every[CULTURE_DAY] == "Ngày Văn hóa Việt Nam" and len(every) > 300


def test_the_active_language_by_default(settings):
    from django.utils import translation

    with translation.override("en"):
        assert day_names()[CULTURE_DAY] == "Vietnam Cultural Day"


def test_a_local_overrides_reason_names_its_day_until_it_is_removed():
    set_day_override(CULTURE_DAY, is_working=True, reason="Làm việc bình thường", actor=None)
    set_day_override(dt.date(2026, 11, 23), is_working=False, reason="", actor=None)
    names = day_names("en")
    assert names[CULTURE_DAY] == "Làm việc bình thường"  # as entered
    assert dt.date(2026, 11, 23) not in names  # no reason given: no name
    remove_day_override(CULTURE_DAY, actor=None)
    assert day_names("en")[CULTURE_DAY] == "Vietnam Cultural Day"
