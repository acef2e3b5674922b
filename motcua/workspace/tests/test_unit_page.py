"""The unit overview: for the heads and leaders of an agency only; the unit's steps in every
view of the unit worklist API, who holds what, and (re)assignment of a step."""

from __future__ import annotations

import re
import uuid

import pytest

from motcua.dossiers.models import DossierEvent
from motcua.org.models import Role, StaffRole
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance

pytestmark = pytest.mark.django_db

URL = "/can-bo/don-vi/"


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    return response.content.decode()


def assign(client, step, username, *, key=None, next_url=URL):
    return client.post(f"{URL}giao/{step.pk}/", {"username": username, "next": next_url,
                                                  "once": key or uuid.uuid4().hex})


def people(html: str) -> dict[str, tuple[int, int]]:
    """Who holds what: officer → (open, late)."""
    table = html.split('class="govuk-table motcua-people"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+?)\s*(?:<|$).*?'
                      r'numeric">(\d+)</td>\s*<td[^>]*>(?:<strong[^>]*>)?(\d+)', table, re.S)
    return {name.strip(): (int(n), int(late)) for name, n, late in rows}


def test_only_heads_and_leaders_open_it(client, world):
    client.force_login(world.org.specialist_a)
    html = html_of(client.get(URL), 403)
    assert "trưởng phòng và lãnh đạo" in html
    client.force_login(world.leader_a)
    assert client.get(URL).status_code == 200


def test_the_units_steps_counts_and_who_holds_what(client, world, clock):
    queued = world.receive("08:00 16/11/2026")
    held = world.receive("09:00 16/11/2026")
    pactions.claim(world.open_step(held), user=world.org.specialist_a)
    client.force_login(world.head_a)
    clock("10:00 17/11/2026")  # the first step of each is late now
    html = html_of(client.get(URL))
    assert "Ủy ban nhân dân phường Hoa Lư" in html
    counts = dict(re.findall(r'href="\?view=(\w+)[^"]*"[^>]*>[^<]*'
                             r'<span class="motcua-tabs__count">(\d+)</span>', html))
    assert counts == {"all": "2", "queue": "1", "assigned": "1", "due_soon": "0", "late": "2",
                      "waiting": "0"}
    assert people(html)["Phạm Quốc Bảo"] == (1, 1)
    assert people(html)["Ngô Minh Tâm"] == (0, 0)
    queue = html_of(client.get(URL, {"view": "queue"}))
    assert queued.code in queue and held.code not in queue


def test_a_head_assigns_then_reassigns_a_step_once_each(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    client.force_login(world.head_a)
    response = assign(client, step, "specialist.a", key="once")
    assert response.status_code == 302 and response["Location"] == URL
    assert StepInstance.objects.get(pk=step.pk).assignee == world.org.specialist_a
    assert "đã được giao cho Phạm Quốc Bảo" in html_of(client.get(URL))
    assign(client, step, "specialist.a", key="once")  # the same form again: nothing more
    assert DossierEvent.objects.filter(dossier=d, action="step_assign").count() == 1
    assign(client, step, "specialist.a2", next_url=URL + "?view=assigned")
    assert StepInstance.objects.get(pk=step.pk).assignee == world.specialist_a2
    assert DossierEvent.objects.filter(dossier=d, action="step_assign").count() == 2


def test_a_bad_choice_is_shown_next_to_the_steps_select(client, world, clock):
    step = world.open_step(world.receive())
    client.force_login(world.head_a)
    html = html_of(assign(client, step, ""))
    assert f'id="assign-{step.pk}-error"' in html and "Chọn cán bộ." in html
    # a head (not a specialist) cannot hold a specialist's step: the action says so, the choice
    # is kept
    html = html_of(assign(client, step, "leader.a", next_url=URL + "?view=queue"))
    error = re.search(rf'id="assign-{step.pk}-error"[^>]*>.*?</span>([^<]+)', html).group(1)
    assert "không giữ vai trò" in error
    assert re.search(r'<option value="leader.a"[^>]*selected', html) is None  # not a choice
    assert StepInstance.objects.get(pk=step.pk).assignee is None


def test_a_forged_assignment_by_a_head_of_another_unit_is_refused(client, world, clock):
    step = world.open_step(world.receive())
    client.force_login(world.tax_head)  # heads the tax agency, not the commune's committee
    response = assign(client, step, "specialist.a")
    assert response.status_code in (302, 403)
    assert StepInstance.objects.get(pk=step.pk).assignee is None


def test_the_query_count_does_not_grow_with_the_rows(client, world, clock,
                                                     django_assert_num_queries):
    pactions.claim(world.open_step(world.receive("08:00 16/11/2026")),
                   user=world.specialist_a2)  # a held step: its holder's roles are read
    client.force_login(world.head_a)
    client.get(URL)
    with django_assert_num_queries(9) as few:
        html_of(client.get(URL))
    for n in range(10):
        d = world.receive(f"08:{n + 1:02d} 16/11/2026")
        if n % 2:
            pactions.claim(world.open_step(d), user=world.specialist_a2)
    with django_assert_num_queries(len(few.captured_queries)):
        assert html_of(client.get(URL)).count('class="motcua-assign"') == 11


def test_a_head_of_two_units_chooses_which(client, world, clock):
    StaffRole.objects.create(user=world.head_a, agency=world.tax, role=Role.HEAD)
    client.force_login(world.head_a)
    html = html_of(client.get(URL, {"don-vi": world.tax.code}))
    assert '<span class="govuk-caption-l">Chi cục Thuế khu vực Ninh Bình</span>' in html
    assert 'id="unit-choice"' in html
