"""The satisfaction group (5.1, 5.2, 5.3) worked out by hand on a small crafted dataset, built
through the real dossier and petition actions with explicit times (Vietnam time, 2026; every
deadline below counts 8-hour working days from the receipt). The same numbers come from the
index's reads, from the reference recomputation, and after a rebuild."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions as dossier_actions
from motcua.dossiers.tests.factories import at, person, received, submission
from motcua.org.models import Role
from motcua.petitions import actions
from motcua.petitions.models import Topic
from motcua.reporting import satisfaction_reference as reference
from motcua.reporting import selectors
from motcua.reporting.actions import rebuild
from motcua.reporting.indicators import FULL_IF_NONE, SCORED, ZERO_IF_NONE
from motcua.reporting.periods import MONTH, Period
from motcua.tests.builders import citizen, staff

FEBRUARY, MARCH, APRIL = (Period(MONTH, 2026, m) for m in (2, 3, 4))
NOW = at("09:00 10/05/2026")


def finish(org, d, when: str):
    d = dossier_actions.perform(d, "start_processing", org.specialist_a, now=at(when))
    d = dossier_actions.perform(d, "mark_result_ready", org.specialist_a, now=at(when))
    return dossier_actions.perform(d, "return_result", org.officer_a, now=at(when))


@pytest.fixture
def march(org, procedure):
    """Commune A (its People's Committee handles the dossiers and the petitions below):

    Dossiers (3 working days each): D1 02/03 → 03/03 early, rated dissatisfied on 04/03;
    D2 03/03 → 04/03 early, rated satisfied; D3 04/03 → 11/03, due 09/03 09:00: late;
    D4 05/03 → 06/03 early, a petition about it (P1) on 09/03.

    Petitions:
    - P1 about D4, Mon 09/03 09:00, due Mon 30/03 09:00; answered Fri 13/03; rated satisfied;
    - P2 about the procedure, Tue 10/03 09:00, due Tue 31/03 09:00; answered Wed 01/04: late;
    - P3 (another citizen), Mon 16/03 09:00, refused Tue 17/03 (within its 2 working days, by
      Wed 18/03 09:00): in time; rated dissatisfied;
    - P5 (the same citizen, the same matter as P3, handled): Thu 19/03 09:00, repeats P3; due
      Thu 09/04 09:00, never answered;
    - P6 (a third citizen), Mon 23/03 09:00; more information asked Tue 24/03 (within its 5
      working days, by Mon 30/03 09:00): waiting for the petitioner since.
    Commune B: P7 about the procedure, Mon 02/03 09:00, refused Thu 05/03 09:00, after its 2
    working days (Wed 04/03 09:00): late.
    """
    head = staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD)
    leader_b = staff("leader.b", "Vũ Thị Hoa", org.pc_b, Role.LEADER)
    third = citizen("citizen3", "Lý Văn Tâm", "001090001111")
    d1 = finish(org, received(org, procedure, at("09:00 02/03/2026")), "10:00 03/03/2026")
    d2 = finish(org, received(org, procedure, at("09:00 03/03/2026")), "10:00 04/03/2026")
    finish(org, received(org, procedure, at("09:00 04/03/2026")), "10:00 11/03/2026")
    d4 = finish(org, received(org, procedure, at("09:00 05/03/2026")), "10:00 06/03/2026")
    actions.rate_dossier(d1, org.citizen, satisfied=False, reason="Phải đi lại",
                         now=at("09:00 04/03/2026"))
    actions.rate_dossier(d2, org.citizen, satisfied=True, now=at("09:00 05/03/2026"))

    def petition(who, when, agency=org.pc_a, dossier=None):
        return actions.file_petition(who, text="Phản ánh", topic=Topic.CONDUCT,
                                     dossier=dossier, procedure=procedure if not dossier else None,
                                     agency=agency if not dossier else None, now=at(when))

    def handle(p, outcome, when, by=head):
        return actions.answer_petition(p, by, outcome=outcome, text="Trả lời", now=at(when))

    p1 = petition(org.citizen, "09:00 09/03/2026", dossier=d4)
    handle(p1, "answer", "10:00 13/03/2026")
    actions.rate_answer(p1, org.citizen, satisfied=True, now=at("09:00 16/03/2026"))
    p2 = petition(org.citizen, "09:00 10/03/2026")
    p3 = petition(org.other_citizen, "09:00 16/03/2026")
    handle(p3, "refuse", "09:00 17/03/2026")
    actions.rate_answer(p3, org.other_citizen, satisfied=False, now=at("09:00 18/03/2026"))
    p5 = petition(org.other_citizen, "09:00 19/03/2026")
    assert p5.repeated and p5.repeats == p3 and p5.deadline == at("09:00 09/04/2026")
    p6 = petition(third, "09:00 23/03/2026")
    handle(p6, "clarify", "09:00 24/03/2026")
    handle(p2, "answer", "09:00 01/04/2026")
    p7 = petition(org.citizen, "09:00 02/03/2026", agency=org.pc_b)
    handle(p7, "refuse", "09:00 05/03/2026", by=leader_b)
    return {"P1": p1, "P2": p2, "P3": p3, "P5": p5, "P6": p6, "P7": p7}


def scores(code: str | None, period: Period):
    scope = selectors.resolve_scope(code)
    result = selectors.index(scope, period, now=NOW)
    c = result.counters
    # the reference recomputation from the raw petitions, ratings and dossiers agrees
    raw = reference.petition_counts(scope, period, NOW)
    assert (c.petitions, c.petitions_in_time, c.petitions_satisfied) == (
        raw.petitions, raw.in_time, raw.satisfied)
    assert c.complained_dossiers == reference.complained_dossiers(scope, period, NOW)
    return {s.indicator.code: s for s in result.scores if s.indicator.code.startswith("5.")}


def test_march_in_commune_a_by_hand(org, march):
    s = scores(org.commune_a.code, MARCH)
    # P1 P2 P3 P5 P6; in time: P1, P3 (refused in time), P5 (open, due 09/04), P6 (waiting,
    # asked in time); P2 is overdue at the end of March → 4 / 5 → 6 × 0.8 = 4.8
    assert (s["5.1"].numerator, s["5.1"].denominator) == (4, 5)
    assert s["5.1"].score == pytest.approx(4.8)
    # satisfied: P1 and P6 (P2 late, P3 rated dissatisfied, P5 repeats P3) → 6 × 2/5 = 2.4
    assert (s["5.2"].numerator, s["5.2"].denominator) == (2, 5)
    assert s["5.2"].score == pytest.approx(2.4)
    # 4 dossiers; late D3 (1/4); complained: D1 (dissatisfied), D4 (P1) (2/4):
    # r = 1 − 1/4 − 2/4 = 1/4 → 6 × 0.25 / 0.9 (full marks at 90 %) = 1.667
    assert (s["5.3"].numerator, s["5.3"].denominator) == (1, 4)
    assert s["5.3"].score == pytest.approx(6 * 0.25 / 0.9)


def test_april_carries_over_the_petitions_still_open_on_1_april(org, march):
    s = scores(org.commune_a.code, APRIL)
    # P2 (handled in April, late), P5 (open, overdue since 09/04), P6 (waiting, in time);
    # P1 and P3 were handled in March → 5.1: 1 / 3 → 2; 5.2: P6 alone → 1 / 3 → 2
    assert (s["5.1"].numerator, s["5.1"].denominator, s["5.1"].score) == (1, 3, 2)
    assert (s["5.2"].numerator, s["5.2"].denominator, s["5.2"].score) == (1, 3, 2)
    # no dossier received in April or carried over into it: 5.3 is 0 (its rule)
    assert (s["5.3"].score, s["5.3"].status) == (0, ZERO_IF_NONE)


def test_a_late_refusal_and_full_marks_without_petitions(org, march):
    s = scores(org.commune_b.code, MARCH)
    # P7 refused after its 2 working days: 0 of 1 in time, 0 of 1 satisfied
    assert (s["5.1"].numerator, s["5.1"].denominator, s["5.1"].score) == (0, 1, 0)
    assert (s["5.2"].numerator, s["5.2"].denominator, s["5.2"].score) == (0, 1, 0)
    s = scores(org.commune_b.code, FEBRUARY)  # no petition: full marks, not "no data"
    for code in ("5.1", "5.2"):
        assert (s[code].score, s[code].status) == (6, FULL_IF_NONE)


def test_the_province_and_the_ranking_by_hand(org, march):
    s = scores(None, MARCH)
    # commune A's 4 of 5 and P7 late: 4 / 6 in time → 4; satisfied 2 / 6 → 2
    assert (s["5.1"].numerator, s["5.1"].denominator, s["5.1"].score) == (4, 6, 4)
    assert (s["5.2"].numerator, s["5.2"].denominator, s["5.2"].score) == (2, 6, 2)
    assert s["5.3"].status == SCORED
    ranked = {r.index.scope.code: {x.indicator.code: x.score for x in r.index.scores}
              for r in selectors.ranking("commune", MARCH, now=NOW)}
    assert ranked[org.commune_a.code]["5.1"] == pytest.approx(4.8)
    assert ranked[org.commune_b.code]["5.1"] == 0


def test_the_rebuild_makes_the_same_facts(org, march):
    from motcua.reporting.models import ComplaintFact, PetitionFact

    def snapshot():
        return (sorted(PetitionFact.objects.values_list()),
                sorted(ComplaintFact.objects.values_list()))

    kept = snapshot()
    assert len(kept[0]) == 6 and len(kept[1]) == 2  # six petitions; D1 and D4 complained
    PetitionFact.objects.all().delete()
    done = rebuild()
    assert (done.petition_facts, done.complaints) == (6, 2)
    assert snapshot() == kept


def test_a_complaint_about_a_dossier_not_received_waits_for_its_receipt(org, procedure):
    """A petition about an online dossier before receipt: no dossier fact yet, so not among
    any period's dossiers; once received, it counts as complained about."""
    sub = submission(org, procedure, channel=2, applicant=person(commune_code=org.commune_a.code))
    d = dossier_actions.submit(sub, account=org.citizen, now=at("09:00 02/03/2026"))
    actions.file_petition(org.citizen, text="Chưa được tiếp nhận", topic=Topic.CONDUCT,
                          dossier=d, now=at("09:00 03/03/2026"))
    assert scores(org.commune_a.code, MARCH)["5.3"].denominator == 0
    from motcua.dossiers.tests.factories import upload_declared
    d = upload_declared(d, org.citizen, at("10:00 03/03/2026"))
    dossier_actions.perform(d, "accept", org.officer_a, now=at("11:00 03/03/2026"))
    s = scores(org.commune_a.code, MARCH)["5.3"]
    # 1 dossier, in time, complained: r = 1 − 0 − 1 = 0
    assert (s.numerator, s.denominator, s.score) == (0, 1, 0)
