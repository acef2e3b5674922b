""""Why this due time" as a person reads it (web/includes/due_explanation.html): the summary
sentence, the days counted and skipped with their reasons, the pauses and the new appointment,
in Vietnamese and in English; headings, details and lists as the accessibility checks want
them; nothing that is not the applicant's to see."""

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from motcua.dossiers import actions
from motcua.dossiers.due import explain_due
from motcua.dossiers.selectors import DetailRelations, detail_by_code
from motcua.dossiers.tests.factories import at, received
from motcua.tests.builders import build_procedure
from motcua.workcalendar.actions import set_day_override
from motcua.workcalendar.service import get_calendar

pytestmark = pytest.mark.django_db
INCLUDE = "web/includes/due_explanation.html"


def render(dossier, language="vi", **context) -> str:
    with translation.override(language):
        return render_to_string(INCLUDE, {"explanation": explain_due(dossier), **context})


def text(html: str) -> str:
    """The words a reader sees, spaces collapsed."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return unescape(words.replace(" ,", ",").replace(" :", ":"))


def summary(html: str) -> str:
    return text(re.search(r'<p class="govuk-body">(.*?)</p>', html, re.S).group(1))


def days(html: str) -> list[str]:
    return [text(li) for li in re.findall(r"<li>(.*?)</li>", html, re.S)]


class Outline(HTMLParser):
    """The element tree's outline: headings with their level, and whether every element
    closes where it should."""

    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.headings: list[int] = []
        self.seen: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(tag)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    assert not parser.errors and not parser.open, (parser.errors, parser.open)
    return parser


@pytest.fixture
def birth(db):
    return build_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", duration=1,
                           unit="same_day", cutoff=dt.time(15))


def test_the_summary_says_why_in_vietnamese_and_in_english(org, birth):
    d = received(org, birth, at("15:30 20/11/2026"))  # Friday, after the cut-off
    assert summary(render(d)) == (
        "Hạn trả kết quả 17:00 23/11/2026: 1 ngày làm việc tính từ 07:00 23/11/2026, vì hồ sơ "
        "nhận sau 15:00 ngày 20/11/2026.")
    assert summary(render(d, "en")) == (
        "Result due at 17:00 23/11/2026: 1 working day counted from 07:00 23/11/2026, as the "
        "dossier was received after 15:00 on 20/11/2026.")


def test_the_days_counted_and_skipped_with_their_reasons(org, procedure):
    d = received(org, procedure, at("10:00 13/02/2026"))  # Friday before Tết
    html = render(d)
    assert days(html) == [
        "Thứ 6 13/02/2026: tính 10:00–11:30, 13:30–17:00 (5 giờ làm việc)",
        "Thứ 7 14/02/2026 – Chủ nhật 15/02/2026: không tính: ngày nghỉ cuối tuần",
        "Thứ 2 16/02/2026: không tính: ngày lễ, Tết hoặc ngày nghỉ: Giao thừa Tết Nguyên Đán",
        "Thứ 3 17/02/2026: không tính: ngày lễ, Tết hoặc ngày nghỉ: Tết Nguyên Đán",
        "Thứ 4 18/02/2026: không tính: ngày lễ, Tết hoặc ngày nghỉ: Mùng hai Tết Nguyên Đán",
        "Thứ 5 19/02/2026: không tính: ngày lễ, Tết hoặc ngày nghỉ: Mùng ba Tết Nguyên Đán",
        "Thứ 6 20/02/2026: không tính: ngày lễ, Tết hoặc ngày nghỉ: Mùng bốn Tết Nguyên Đán",
        "Thứ 7 21/02/2026 – Chủ nhật 22/02/2026: không tính: ngày nghỉ cuối tuần",
        "Thứ 2 23/02/2026 – Thứ 3 24/02/2026: 2 ngày làm việc, tính trọn ngày (8 giờ làm việc "
        "mỗi ngày)",
        "Thứ 4 25/02/2026: tính 07:00–10:00 (3 giờ làm việc)",
    ]
    assert "Tính đủ 3 ngày làm việc, hạn là 10:00 25/02/2026." in text(html)
    assert ("3 ngày làm việc: thời hạn giải quyết theo quy định của thủ tục (phiên bản 1, có "
            "hiệu lực từ ngày 01/07/2025).") in text(html)
    assert "Giờ làm việc: 07:00–11:30, 13:30–17:00 các ngày làm việc" in text(html)
    english = days(render(d, "en"))
    assert english[2] == ("Monday 16/02/2026: not counted: public holiday or day off: Lunar New "
                          "Year's Eve")


def test_a_swapped_working_saturday_and_its_day_off(org, procedure):
    d = received(org, procedure, at("16:00 21/08/2026"))
    assert days(render(d, "en"))[:2] == [
        "Friday 21/08/2026: counted 16:00–17:00 (1 working hour)",
        "Saturday 22/08/2026: counted 07:00–11:30, 13:30–17:00 (8 working hours); a working "
        "day in place of a day off",
    ]
    d = received(org, procedure, at("09:00 28/08/2026"))
    assert ("Monday 31/08/2026: not counted: public holiday or day off: Day off (substituted "
            "from 08/22/2026)") in days(render(d, "en"))


def test_calendar_days_and_their_move_past_days_off(org):
    permit = build_procedure(code="1.013225", duration=5, unit="calendar_days")
    d = received(org, permit, at("09:00 21/04/2026"))
    html = render(d, "en")
    assert summary(html) == (
        "Result due at 17:00 28/04/2026: 5 days counted from 22/04/2026, the day after the day "
        "of receipt, as the Civil Code counts days.")
    assert days(html) == [
        "Wednesday 22/04/2026 – Friday 24/04/2026: days 1 to 3 of 5",
        "Saturday 25/04/2026: day 4 of 5; weekend, counted all the same (calendar days)",
        "Sunday 26/04/2026: day 5 of 5; public holiday or day off: Hung Kings' Commemoration "
        "Day, counted all the same (calendar days)",
        "Monday 27/04/2026: not counted: public holiday or day off: Hung Kings' Commemoration "
        "Day (observed); the period's last day was a day off, so it moves on",
        "Tuesday 28/04/2026: the next working day: the period ends here, at the end of working "
        "time",
    ]
    assert ("The last day, Sunday 26/04/2026, is a day off: the period ends at the end of "
            "working time of the next working day, 17:00 28/04/2026.") in text(html)


def test_pauses_restarts_and_the_new_appointment(org):
    proc = build_procedure(code="1.001612", supplement_mode="restart", pause_on_payment=True)
    d = received(org, proc, at("17:30 13/11/2026"))  # Friday after hours
    d = actions.perform(d, "request_payment", None, amount_vnd=10_000, now=at("09:00 16/11/2026"))
    d = actions.perform(d, "confirm_payment", None, now=at("11:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", None, items=[{"name": "Tờ khai"}],
                        now=at("09:00 17/11/2026"))
    d = actions.perform(d, "receive_supplement", None, now=at("14:00 18/11/2026"))
    d = actions.perform(d, "apologize", None, reason="Cần xác minh <thêm>",
                        new_appointment=at("16:00 27/11/2026"), now=at("08:00 19/11/2026"))
    html = render(d, "en")
    assert summary(html) == (
        "Result due at 14:00 23/11/2026: 3 working days counted again in full from 14:00 "
        "18/11/2026, after the supplement was received at 14:00 18/11/2026; the agency "
        "apologised and set a new appointment for 16:00 27/11/2026; the legal due time does "
        "not move.")  # the payment's pause counted before the restart: not in the summary
    d = actions.perform(d, "request_payment", None, amount_vnd=10_000, now=at("10:00 19/11/2026"))
    d = actions.perform(d, "confirm_payment", None, now=at("11:00 19/11/2026"))
    assert "; the clock stood still once, for 1 working hour, which moved the due time as much;" \
        in summary(render(d, "en"))
    words = text(html)
    assert ("Received at 17:30 13/11/2026, after working hours: counted from the next working "
            "morning, 07:00 16/11/2026.") in words
    assert ("Waiting for the payment of the financial obligation: the clock stood still from "
            "09:00 16/11/2026 to 11:00 16/11/2026, for 2 working hours; the due time moved from "
            "17:00 18/11/2026 to 09:00 19/11/2026.") in words
    assert ("Waiting for a supplement from the applicant: the clock stood still from 09:00 "
            "17/11/2026. The supplement was received at 14:00 18/11/2026, and this procedure "
            "then counts its 3 working days again in full: due at 14:00 23/11/2026.") in words
    assert "Received at 14:00 18/11/2026, in working hours: counted from that moment." in words
    assert ("At 08:00 19/11/2026 the agency apologised (Form 04) and set a new appointment for "
            "the result, 16:00 27/11/2026, instead of 14:00 23/11/2026.") in words
    assert "Cần xác minh &lt;thêm&gt;" in html  # escaped, as every value


def test_an_open_pause_says_the_due_time_will_move(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", None, items=[{"name": "Tờ khai"}],
                        now=at("10:00 16/11/2026"))
    assert summary(render(d)).endswith(
        "; thời gian giải quyết đang tạm dừng từ 10:00 16/11/2026 (chờ người nộp hồ sơ bổ sung, "
        "hoàn thiện hồ sơ): hạn sẽ được lùi khi tiếp tục tính.")


def test_a_calendar_changed_since_is_told(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    set_day_override(dt.date(2026, 11, 17), is_working=False, reason="Nghỉ bão", actor=None)
    html = render(d, "en")
    assert summary(html).startswith("Result due at 09:00 19/11/2026:")  # the one in force
    assert ("The due time set then, 09:00 19/11/2026, stays in force; the days above are counted "
            "with today's calendar, which would give 09:00 20/11/2026.") in text(html)
    assert "Tuesday 17/11/2026: not counted: public holiday or day off: Nghỉ bão" in days(html)


def test_headings_details_and_lists_are_well_formed(org, procedure):
    d = received(org, procedure, at("10:00 13/02/2026"))
    d = actions.perform(d, "request_supplement", None, items=[{"name": "Tờ khai"}],
                        now=at("14:00 24/02/2026"))
    d = actions.perform(d, "receive_supplement", None, now=at("09:00 26/02/2026"))
    page = outline(render(d))
    assert page.headings == [2, 3, 3, 3]  # its heading, then one level below, none skipped
    assert page.seen.count("details") == 1 and page.seen.count("summary") == 1
    assert page.seen.index("summary") == page.seen.index("details") + 1
    assert outline(render(d, heading_level=3)).headings == [3, 4, 4, 4]
    assert 'class="govuk-details__summary-text">Cách tính, từng ngày<' in render(d)


def test_nothing_that_is_not_the_applicants_to_see(org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "request_supplement", org.specialist_a,
                        items=[{"name": "Tờ khai", "note": "ghi chú nội bộ"}],
                        now=at("10:00 16/11/2026"))
    html = render(d) + render(d, "en")
    for private in (d.applicant_name, d.applicant_id_number, org.officer_a.full_name,
                    org.specialist_a.full_name, org.specialist_a.username, "ghi chú nội bộ",
                    d.code):
        assert private not in html


def test_without_a_clock_one_sentence(org, procedure):
    html = render_to_string(INCLUDE, {"explanation": None})
    assert text(html) == (
        "Vì sao có hạn này Chưa có hạn giải quyết: thời hạn bắt đầu được tính khi hồ sơ được "
        "tiếp nhận, với thủ tục có thời hạn giải quyết đã được xác nhận.")
    assert "<details" not in html


def test_the_tag_takes_the_dossier_and_the_detail_rows(org, procedure,
                                                         django_assert_num_queries):
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = detail_by_code(d.code)
    relations = DetailRelations.read(d)
    get_calendar()
    page = Template('{% load due %}{% due_explanation dossier relations as explanation %}'
                    '{% include "web/includes/due_explanation.html" with '
                    'explanation=explanation %}')
    with translation.override("vi"), django_assert_num_queries(0):
        html = page.render(Context({"dossier": d, "relations": relations}))
    assert html.strip() == render(d).strip()


def test_the_duration_case_and_why(org):
    from motcua.dossiers.tests.test_duration_cases import MARRIAGE_CASES, at_counter

    marriage = build_procedure(code="1.000894", duration=1, unit="same_day",
                               cutoff=dt.time(15), duration_cases=MARRIAGE_CASES)
    by_data = at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True})
    assert ("5 working days: the duration of the case “Verification is needed”, which the "
            "dossier's data selects (procedure version 1, in force from 01/07/2025).") in text(
        render(by_data, "en"))
    own = at_counter(org, marriage, at("10:00 16/11/2026"), form_data={"can_xac_minh": True},
                     duration_case="default", duration_reason="Đã xác minh qua CSDL hộ tịch")
    assert ("Trong ngày làm việc: thời hạn giải quyết theo quy định của thủ tục, được chọn khi "
            "tiếp nhận vì: Đã xác minh qua CSDL hộ tịch (phiên bản 1, có hiệu lực từ ngày "
            "01/07/2025).") in text(render(own))
