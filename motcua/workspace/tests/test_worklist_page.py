"""The worklist page: every view of the worklist API with its count, filters, search by code,
sorting, pages, the late and near-due marks, taking a queued step, the menu by role."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import DossierEvent
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.workspace.worklist import PER_PAGE

pytestmark = pytest.mark.django_db

URL = "/can-bo/viec-can-lam/"


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def tab_counts(html: str) -> dict[str, int]:
    return {view: int(count) for view, count in re.findall(
        r'href="\?view=(\w+)[^"]*"[^>]*>[^<]*<span class="motcua-tabs__count">(\d+)</span>',
        html)}


def codes_in(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link motcua-code" href="/can-bo/ho-so/([^/]+)/"', html)


def test_every_view_of_the_worklist_api_is_a_tab_with_its_count(client, world, clock):
    queued = world.receive("08:00 16/11/2026")
    mine = world.receive("09:00 16/11/2026")
    pactions.claim(world.open_step(mine), user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)

    html = html_of(client.get(URL))
    assert tab_counts(html) == {"mine": 1, "queue": 1, "due_soon": 2, "late": 0,
                                "waiting": 0, "handed_over": 0}
    assert codes_in(html) == [mine.code]
    assert 'aria-current="page">Của tôi' in html

    html = html_of(client.get(URL, {"view": "queue"}))
    assert codes_in(html) == [queued.code]
    assert "Hàng chờ của đơn vị" in html and "Nguyễn Văn An" in html  # held by, applicant


def test_late_and_near_due_steps_are_marked_in_words(client, world, clock):
    early = world.receive("09:00 16/11/2026")  # its check step is due 09:00 Tue
    world.receive("16:00 16/11/2026")  # due 16:00 Tue
    client.force_login(world.org.specialist_a)
    clock("10:00 17/11/2026")
    html = html_of(client.get(URL, {"view": "queue"}))
    assert tab_counts(html)["late"] == 1 and tab_counts(html)["due_soon"] == 1
    assert html.count('govuk-tag--red motcua-timing">Quá hạn<') == 1
    assert html.count('govuk-tag--orange motcua-timing">Sắp đến hạn<') == 1
    late = html_of(client.get(URL, {"view": "late"}))
    assert codes_in(late) == [early.code]


def test_filters_search_by_code_and_sort(client, world, clock):
    first = world.receive("08:00 16/11/2026")
    second = world.receive("09:00 16/11/2026")
    third = world.receive("09:30 16/11/2026")
    pactions.claim(world.open_step(third), user=world.org.specialist_a)
    pactions.act(world.open_step(third), "forward", actor=world.org.specialist_a)
    client.force_login(world.org.specialist_a)

    queue = {"view": "queue"}
    assert codes_in(html_of(client.get(URL, queue))) == [first.code, second.code]
    assert codes_in(html_of(client.get(URL, {**queue, "sort": "-due_at"}))) == [
        second.code, first.code]
    assert codes_in(html_of(client.get(URL, {**queue, "q": second.code}))) == [second.code]
    # the beginning of a code, as typed from a slip: both of the day's
    prefix = first.code.rsplit("-", 1)[0]
    assert len(codes_in(html_of(client.get(URL, {**queue, "q": prefix})))) == 2
    assert codes_in(html_of(client.get(URL, {**queue, "status": "4"}))) == []
    assert codes_in(html_of(client.get(URL, {**queue, "procedure": "1.004873"}))) == [
        first.code, second.code]
    html = html_of(client.get(URL, {**queue, "procedure": "9.999999"}))  # not a choice
    assert codes_in(html) == [first.code, second.code]  # a bad filter filters nothing …
    assert "govuk-error-summary" in html  # … and says so
    assert "Xóa bộ lọc" in html_of(client.get(URL, {**queue, "q": "000"}))


def test_pages_of_the_list_and_a_page_past_the_end(client, world, clock):
    for n in range(PER_PAGE + 2):
        world.receive(f"08:{n:02d} 16/11/2026")
    client.force_login(world.org.specialist_a)
    page1 = html_of(client.get(URL, {"view": "queue"}))
    assert len(codes_in(page1)) == PER_PAGE and 'rel="next"' in page1
    page2 = html_of(client.get(URL, {"view": "queue", "page": "2"}))
    assert len(codes_in(page2)) == 2 and not set(codes_in(page1)) & set(codes_in(page2))
    assert codes_in(html_of(client.get(URL, {"view": "queue", "page": "99"}))) == codes_in(
        page2)
    assert codes_in(html_of(client.get(URL, {"view": "queue", "page": "x"}))) == codes_in(
        page1)


def test_the_query_count_does_not_grow_with_the_rows(client, world, clock,
                                                     django_assert_num_queries):
    client.force_login(world.org.specialist_a)
    world.receive("08:00 16/11/2026")
    client.get(URL, {"view": "queue"})  # compiled statements, sessions: warm
    with django_assert_num_queries(7) as few:
        assert len(codes_in(html_of(client.get(URL, {"view": "queue"})))) == 1
    for n in range(12):
        world.receive(f"08:{n + 1:02d} 16/11/2026")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(codes_in(html_of(client.get(URL, {"view": "queue"})))) == 13


def test_htmx_gets_the_same_page_with_the_list_to_swap(client, world, clock):
    world.receive()
    client.force_login(world.org.specialist_a)
    html = html_of(client.get(URL, {"view": "queue"}, HTTP_HX_REQUEST="true"))
    assert 'id="worklist"' in html and 'id="id_view"' in html and 'id="worklist-status"' in html


def take(client, step, *, key="k1", next_url=URL + "?view=queue"):
    return client.post(f"{URL}nhan/{step.pk}/", {"once": key, "next": next_url})


def test_a_queued_step_is_taken_from_the_list_once(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    client.force_login(world.org.specialist_a)
    response = take(client, step)
    assert response.status_code == 302 and response["Location"] == URL + "?view=queue"
    step.refresh_from_db()
    assert step.assignee == world.org.specialist_a
    html = html_of(client.get(response["Location"]))
    assert f"Bạn đã nhận xử lý bước “Thẩm định hồ sơ” của hồ sơ {d.code}" in html
    # the same form sent again takes nothing more, and says so
    assert take(client, step).status_code == 302
    assert "Việc này đã được thực hiện" in html_of(client.get(URL))
    assert DossierEvent.objects.filter(dossier=d, action="step_claim").count() == 1


def test_a_step_taken_by_another_is_refused_with_the_reason(client, world, clock):
    step = world.open_step(world.receive())
    pactions.claim(step, user=world.specialist_a2)
    client.force_login(world.org.specialist_a)
    response = take(client, step, next_url="https://elsewhere.example/")
    assert response["Location"] == URL  # never another site
    html = html_of(client.get(URL))
    assert "Ngô Minh Tâm" in html and "govuk-notification-banner" in html
    assert StepInstance.objects.get(pk=step.pk).assignee == world.specialist_a2


def test_a_step_of_another_commune_cannot_be_taken(client, world, clock):
    step = world.open_step(world.receive())
    client.force_login(world.specialist_b)
    take(client, step)
    assert StepInstance.objects.get(pk=step.pk).assignee is None
    assert "Không tìm thấy bước xử lý" in html_of(client.get(URL))


def test_the_menu_shows_each_role_its_entries(client, world):
    client.force_login(world.org.specialist_a)
    html = html_of(client.get(URL))
    assert 'href="/can-bo/viec-can-lam/"' in html and 'href="/can-bo/don-vi/"' not in html
    client.force_login(world.head_a)
    html = html_of(client.get(URL))
    assert 'href="/can-bo/viec-can-lam/"' in html and 'href="/can-bo/don-vi/"' in html


def test_processors_start_on_their_worklist_and_others_on_the_start_page(client, world):
    client.force_login(world.org.specialist_a)
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"] == URL
    client.force_login(world.org.officer_a)
    html = html_of(client.get("/can-bo/"))
    assert "Vai trò của bạn" in html and f'href="{URL}"' in html


def test_the_worklist_is_for_staff(client, world):
    assert client.get(URL).status_code == 302  # sign in first
    client.force_login(world.org.citizen)
    assert client.get(URL).status_code == 403
