"""Random histories of petitions and ratings through the real actions: the satisfaction
group's facts kept by the petitions' events equal those `rebuild` computes from the raw
petitions and ratings, and the counters the index reads from them (5.1–5.3) equal the
reference recomputation (satisfaction_reference.py) for every scope, month, quarter and year,
judged at several instants.

Histories mix petitions about dossiers (finished, open or not yet received) and about the
procedure at either commune, answered in or out of time, refused in or out of their 2 working
days, asked for more in or out of their 5 (then completed or not), rated or not, repeated after
an answer, and ratings of the dossiers, spread over months so that petitions are carried
over."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Sector
from motcua.core.errors import DomainError
from motcua.dossiers import actions as dossier_actions
from motcua.dossiers.tests.factories import person, received, submission
from motcua.org.models import Role
from motcua.petitions import actions
from motcua.petitions.models import Topic
from motcua.reporting import satisfaction_reference as reference
from motcua.reporting import selectors
from motcua.reporting.actions import rebuild
from motcua.reporting.models import ComplaintFact, PetitionFact
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period
from motcua.reporting.satisfaction_selectors import read_satisfaction
from motcua.tests.builders import build_procedure, staff
from motcua.workcalendar.rules import TZ

START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=TZ)
HOUR, DAY = 60, 24 * 60
GAPS = [30, 4 * HOUR, DAY, 3 * DAY, 8 * DAY, 25 * DAY]
STEPS = ["answer", "refuse", "clarify", "inform", "rate_good", "rate_bad", "again"]

lives = st.lists(st.fixed_dictionaries({
    "about": st.sampled_from(["finished", "open", "unreceived", "procedure_a",
                              "procedure_b", "other_sector"]),
    "who": st.integers(0, 1),
    "start": st.integers(0, 100 * DAY),
    "steps": st.lists(st.sampled_from(STEPS), max_size=5),
    "rate_dossier": st.sampled_from([None, True, False]),
    "gaps": st.lists(st.sampled_from(GAPS), min_size=6, max_size=6),
}), min_size=1, max_size=5)


@pytest.fixture
def world(org, procedure):
    heads = {org.pc_a.pk: staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD),
             org.pc_b.pk: staff("leader.b", "Vũ Thị Hoa", org.pc_b, Role.LEADER)}
    other = build_procedure(code="1.000102", duration=2)
    other.sector = Sector.objects.create(name="Chứng thực")
    other.save()
    return org, heads, procedure, other


def _dossier(org, procedure, kind: str, at: dt.datetime):
    if kind == "unreceived":
        sub = submission(org, procedure, channel=2,
                         applicant=person(commune_code=org.commune_a.code))
        return dossier_actions.submit(sub, account=org.citizen, now=at)
    d = received(org, procedure, at)
    if kind == "finished":
        later = at + dt.timedelta(hours=2)
        d = dossier_actions.perform(d, "start_processing", org.specialist_a, now=later)
        d = dossier_actions.perform(d, "mark_result_ready", org.specialist_a, now=later)
    return d


def _live(world, life) -> list[tuple[dt.datetime, object]]:
    """The life's moves as (time, callable), in time order."""
    org, heads, procedure, other = world
    who = [org.citizen, org.other_citizen][life["who"]]
    at = START + dt.timedelta(minutes=life["start"])
    state: dict = {}
    moves = []

    def new(t):
        about = life["about"]
        if about in ("finished", "open", "unreceived"):
            state["dossier"] = d = _dossier(org, procedure, about, t - dt.timedelta(hours=3))
            kw = {"dossier": d}
            who_ = org.citizen
        else:
            agency = org.pc_b if about == "procedure_b" else org.pc_a
            kw = {"procedure": other if about == "other_sector" else procedure,
                  "agency": agency}
            who_ = who
        state["kw"], state["who"] = kw, who_
        state["p"] = actions.file_petition(who_, text="Phản ánh", topic=Topic.RULES, now=t,
                                           **kw)

    moves.append((at, new))
    for n, step in enumerate(life["steps"]):
        at = at + dt.timedelta(minutes=life["gaps"][n])

        def move(t, step=step):
            p = state.get("p")
            if p is None:  # its filing was refused (the same matter's petition was open)
                return
            head = heads[p.agency_id]
            if step in ("answer", "refuse", "clarify"):
                actions.answer_petition(p, head, outcome=step, text="Trả lời", now=t)
            elif step == "inform":
                actions.add_information(p, state["who"], text="Bổ sung", now=t)
            elif step in ("rate_good", "rate_bad"):
                actions.rate_answer(p, state["who"], satisfied=step == "rate_good", now=t)
            else:
                state["p"] = actions.file_petition(state["who"], text="Lần nữa",
                                                   topic=Topic.RULES, now=t, **state["kw"])
        moves.append((at, move))
    if life["rate_dossier"] is not None and life["about"] == "finished":
        at = at + dt.timedelta(minutes=life["gaps"][-1])

        def rate(t):
            if "dossier" not in state:
                return
            actions.rate_dossier(state["dossier"], org.citizen, satisfied=life["rate_dossier"],
                                 reason="Lý do", now=t)
        moves.append((at, rate))
    return moves


def _snapshot():
    return (sorted(PetitionFact.objects.values_list()),
            sorted(ComplaintFact.objects.values_list()))


def _periods() -> list[Period]:
    months = [Period(MONTH, 2026, m) for m in range(1, 7)]
    return [*months, Period(QUARTER, 2026, 1), Period(QUARTER, 2026, 2), Period(YEAR, 2026)]


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(plan=lives)
def test_satisfaction_facts_equal_the_recomputation(world, plan):
    org = world[0]
    with transaction.atomic():
        # each life's first move (its filing) runs alone; the others in time order
        timeline = []
        for n, life in enumerate(plan):
            for k, (at, move) in enumerate(_live(world, life)):
                timeline.append((at, n, k, move))
        timeline.sort(key=lambda x: (x[0], x[1], x[2]))
        for at, _n, _k, move in timeline:
            # not allowed now (already handled, not waiting, rated, an open petition): the
            # life goes on
            with contextlib.suppress(DomainError):
                move(at)
        kept = _snapshot()
        scopes = [selectors.resolve_scope(), selectors.resolve_scope(org.commune_a.code),
                  selectors.resolve_scope(org.pc_b.code),
                  selectors.resolve_scope(None, world[3].sector_id)]
        last = timeline[-1][0]
        for now in (last, last + dt.timedelta(days=9), last + dt.timedelta(days=60)):
            for period in _periods():
                if not period.has_started(now):
                    continue
                read = read_satisfaction(period, now)  # every agency, as the ranking reads
                for scope in scopes:
                    petitions, complained = read_satisfaction(
                        period, now, agency_ids=scope.agency_ids, sector_id=scope.sector_id
                    ).of(scope.agency_ids)
                    assert petitions == reference.petition_counts(scope, period, now), (
                        scope.kind, period, now)
                    assert complained == reference.complained_dossiers(scope, period, now), (
                        scope.kind, period, now)
                    if scope.sector_id is None:
                        assert read.of(scope.agency_ids) == (petitions, complained)
        rebuild()
        assert _snapshot() == kept
        transaction.set_rollback(True)
