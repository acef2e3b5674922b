"""Expected scores worked out by hand on small crafted datasets, built through the real dossier
actions with explicit times (Vietnam time, 2026; Tết 16–20 February). Each comment shows the
arithmetic. The same numbers come from the rollups and from the reference recomputation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import ComponentRequirement, Procedure, ProcedureVersion, Sector
from motcua.dossiers import actions
from motcua.dossiers.models import ComponentSource, Status
from motcua.dossiers.tests.factories import at, person, received, submission
from motcua.reporting import reference, selectors
from motcua.reporting.indicators import FIXED, NO_DATA, NO_SCORE, SCORED, ZERO_IF_NONE
from motcua.reporting.models import DossierFact
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period
from motcua.tests.builders import build_procedure

MARCH, FEBRUARY, APRIL = Period(MONTH, 2026, 3), Period(MONTH, 2026, 2), Period(MONTH, 2026, 4)
Q1 = Period(QUARTER, 2026, 1)


def finish(d, when: str, org):
    if d.status == Status.RECEIVED:
        d = actions.perform(d, "start_processing", org.specialist_a,
                            now=at(when) - dt.timedelta(minutes=30))
    return actions.perform(d, "mark_result_ready", org.specialist_a, now=at(when))


def ask(d, when: str, org, reason: str = ""):
    return actions.perform(d, "request_supplement", org.officer_a, items=[{"name": "Tờ khai"}],
                           reason=reason, now=at(when))


def answer(d, when: str, org):
    return actions.perform(d, "receive_supplement", org.officer_a, now=at(when))


@pytest.fixture
def march(org, procedure):
    """Commune A's dossiers (3 working days each, counter, handled by its People's Committee),
    and one of commune B. Due times: 3 × 8 working hours after receipt."""
    ds = {}
    # G: 09/02 → finished 10/02 (before March: not counted in March)
    ds["G"] = finish(received(org, procedure, at("09:00 09/02/2026")), "10:00 10/02/2026", org)
    # A: 23/02, due Thu 26/02 09:00, finished 04/03: carried over, late
    ds["A"] = finish(received(org, procedure, at("09:00 23/02/2026")), "10:00 04/03/2026", org)
    # B: Fri 27/02, due Wed 04/03 09:00, finished Tue 03/03: carried over, early
    ds["B"] = finish(received(org, procedure, at("09:00 27/02/2026")), "16:00 03/03/2026", org)
    # C: Mon 02/03, due Thu 05/03 09:00, finished 08:00 that day: on time (not early)
    ds["C"] = finish(received(org, procedure, at("09:00 02/03/2026")), "08:00 05/03/2026", org)
    # D: 10/03, two supplement requests after receipt, finished before its (shifted) due time:
    # late all the same (more than one supplement request)
    d = received(org, procedure, at("09:00 10/03/2026"))
    d = answer(ask(d, "10:00 10/03/2026", org), "10:00 12/03/2026", org)
    d = answer(ask(d, "10:00 13/03/2026", org, reason="Thiếu bản sao"), "09:00 16/03/2026", org)
    ds["D"] = finish(d, "10:00 16/03/2026", org)
    # E: Mon 23/03, due Thu 26/03 09:00, still open on 31/03: overdue
    ds["E"] = received(org, procedure, at("09:00 23/03/2026"))
    # F: Mon 30/03 14:00, due Thu 02/04 14:00, open at the end of March: in time
    ds["F"] = received(org, procedure, at("14:00 30/03/2026"))
    # H: Tue 24/03 (due Fri 27/03 09:00), waits for a supplement since 24/03 10:00: in time
    ds["H"] = ask(received(org, procedure, at("09:00 24/03/2026")), "10:00 24/03/2026", org)
    # I: Wed 18/03, due Mon 23/03 09:00; an apology on 20/03 gives a new appointment on 25/03;
    # finished Tue 24/03: late (the legal due time never moves)
    d = received(org, procedure, at("09:00 18/03/2026"))
    d = actions.perform(d, "apologize", org.specialist_a, reason="Cần xác minh",
                        new_appointment=at("17:00 25/03/2026"), now=at("09:00 20/03/2026"))
    ds["I"] = finish(d, "10:00 24/03/2026", org)
    # J: commune B's, 11/03, finished 12/03: early
    sub = submission(org, procedure, agency=org.center_b, channel=1,
                     applicant=person(commune_code=org.commune_b.code))
    j = actions.intake_at_counter(sub, officer=org.officer_b, now=at("09:00 11/03/2026"))
    ds["J"] = finish(j, "10:00 12/03/2026", org)
    return ds


def both(scope, period, now):
    """The index from the rollups, and its dossier counters from the raw dossiers."""
    return (selectors.index(scope, period, now=now),
            reference.dossier_counts(scope, period, now))


def by_code(result):
    return {s.indicator.code: s for s in result.scores}


def test_on_time_rate_with_carried_over_and_several_supplements(org, march):
    commune_a = selectors.resolve_scope(org.commune_a.code)
    result, raw = both(commune_a, MARCH, at("09:00 10/05/2026"))
    c = result.counters.dossiers
    assert c == raw
    # received in March: C D E F H I (6); carried over from February: A B (2)
    assert (c.received, c.carried_over) == (6, 2)
    # finished in March: B early; C on time; A, D (two supplements), I (apology) late
    assert (c.ended_early, c.ended_on_time, c.ended_late) == (1, 1, 3)
    # open at the end of March: F in time, H paused in time, E overdue
    assert (c.open_in_time, c.open_overdue) == (2, 1)
    s = by_code(result)["2.1"]
    # (1 + 1 + 2) / (6 + 2) = 0.5 → 20 × 0.5 = 10
    assert (s.numerator, s.denominator, s.score) == (4, 8, 10)


def test_on_time_rate_of_other_scopes_and_periods(org, march):
    now = at("09:00 10/05/2026")
    province = selectors.resolve_scope()
    result, raw = both(province, MARCH, now)
    assert result.counters.dossiers == raw
    # commune A's 4 of 8, and J early: 5 / 9 → 20 × 5/9 = 11.11
    assert by_code(result)["2.1"].score == pytest.approx(100 / 9)
    agency = selectors.resolve_scope(org.pc_b.code)
    assert by_code(selectors.index(agency, MARCH, now=now))["2.1"].score == 20  # J: 1 / 1
    # February, commune A: received G A B; G early; at the end of February A is overdue
    # (due 26/02), B in time (due 04/03): (1 + 1) / 3 → 13.33
    commune_a = selectors.resolve_scope(org.commune_a.code)
    result, raw = both(commune_a, FEBRUARY, now)
    assert result.counters.dossiers == raw
    assert by_code(result)["2.1"].score == pytest.approx(40 / 3)
    # The first quarter: received G A B C D E F H I (9), none carried over; on time: G B
    # early, C on time, F H in time at the end of March: 5 / 9
    result, raw = both(commune_a, Q1, now)
    assert result.counters.dossiers == raw
    assert (raw.received, raw.carried_over, raw.on_time) == (9, 0, 5)
    # the year 2026, judged on 10/05 while it runs: the same 9 received; on time: G B C, and H
    # (still paused in time); F is overdue since 02/04 14:00, E since 26/03: 4 / 9
    result, raw = both(commune_a, Period(YEAR, 2026), now)
    assert result.counters.dossiers == raw
    assert (raw.received, raw.on_time) == (9, 4)


def test_a_running_period_is_judged_now(org, march):
    """April while it runs: E F H carried over, nothing received. At 09:00 on 02/04 F (due
    14:00 that day) and H (paused) are in time: 2 / 3. At 15:00, F is overdue: 1 / 3."""
    commune_a = selectors.resolve_scope(org.commune_a.code)
    result, raw = both(commune_a, APRIL, at("09:00 02/04/2026"))
    assert result.counters.dossiers == raw
    assert (raw.carried_over, raw.received, raw.open_in_time) == (3, 0, 2)
    assert by_code(result)["2.1"].score == pytest.approx(40 / 3)
    result, raw = both(commune_a, APRIL, at("15:00 02/04/2026"))
    assert result.counters.dossiers == raw
    assert by_code(result)["2.1"].score == pytest.approx(20 / 3)
    # F finished at 15:00 is late; the dossiers finished at `now` count as finished
    finish(march["F"], "15:00 02/04/2026", org)
    result, raw = both(commune_a, APRIL, at("15:00 02/04/2026"))
    assert result.counters.dossiers == raw
    assert (raw.ended_late, raw.open_in_time) == (1, 1)


def test_the_average_processing_time_deducts_supplement_time(org, march):
    commune_a = selectors.resolve_scope(org.commune_a.code)
    result = selectors.index(commune_a, FEBRUARY, now=at("09:00 10/05/2026"))
    # G: 09:00 09/02 → 10:00 10/02 = 9 working hours (6 on the 9th, 3 on the 10th)
    assert result.average_processing_days == pytest.approx(9 / 8)
    # D (March): 09:00 10/03 → 10:00 16/03 less its pauses (10:00 10/03 → 10:00 12/03: 16 h;
    # 10:00 13/03 → 09:00 16/03: 7 h); 33 working hours in all − 23 = 10 h
    facts_d = DossierFact.objects.get(pk=march["D"].pk)
    assert facts_d.processing_seconds == 10 * 3600


def test_caps_and_reuse(org, procedure):
    """3.1 (full at 80 %) and 3.2 over commune A's commune-level procedures; 4.3 (full at
    80 %) over the dossiers received."""
    sector = Sector.objects.get()
    for n, level in enumerate(["full", "partial", "none", "none"], start=1):
        p = build_procedure(code=f"1.00000{n}", online_level=level)
        assert p.sector == sector
    # commune-level procedures: 1.004873 (full) + 4 more → online: 1.004873, full, partial
    # = 3 of 5 → 3.1: 2 × 0.6 / 0.8 = 1.5
    now = at("09:00 10/05/2026")
    online = submission(org, procedure, channel=2)
    online = actions.Submission(**{**online.__dict__, "components": [
        actions.ComponentInput(requirement_id=c.pk, source=ComponentSource.REUSED,
                               reference="000.00.14.H40-260101-0001")
        for c in ComponentRequirement.objects.filter(version__procedure=procedure,
                                                     required=True)]})
    d = actions.submit(online, account=org.citizen, now=at("08:00 02/03/2026"))
    actions.perform(d, "accept", org.officer_a, now=at("09:00 02/03/2026"))
    received(org, procedure, at("09:00 03/03/2026"))
    result = selectors.index(selectors.resolve_scope(org.commune_a.code), MARCH, now=now)
    s = by_code(result)
    assert (s["3.1"].numerator, s["3.1"].denominator) == (3, 5)
    assert s["3.1"].score == pytest.approx(1.5)
    # 3.2: 1 of the 3 online procedures had an online dossier in March: 4 × 1/3
    assert (s["3.2"].numerator, s["3.2"].denominator) == (1, 3)
    assert s["3.2"].score == pytest.approx(4 / 3)
    # 4.3: 1 of 2 received reused digitized data: 2 × 0.5 / 0.8 = 1.25
    assert (s["4.3"].numerator, s["4.3"].denominator) == (1, 2)
    assert s["4.3"].score == pytest.approx(1.25)
    # one more online procedure in force: 4 of 5 = 80 % → full marks 2
    ProcedureVersion.objects.filter(procedure__code="1.000003").update(online_level="full")
    result = selectors.index(selectors.resolve_scope(org.commune_a.code), MARCH, now=now)
    assert by_code(result)["3.1"].score == 2


@pytest.fixture
def publications(procedure):
    """Two publishing decisions in March 2026 and one complete procedure.

    - X: decided Mon 02/03, in force Mon 16/03 (5 working days before: Mon 09/03) → on time;
      made public Fri 06/03 (within 5 working days of 02/03: by Mon 09/03) → on time.
    - Y: decided Thu 12/03, in force 16/03 → late; made public Fri 20/03 (by Thu 19/03) → late.
    """
    x = build_procedure(code="2.000001", level="province")
    ProcedureVersion.objects.filter(procedure=x).update(
        decision_date=dt.date(2026, 3, 2), legal_effective_date=dt.date(2026, 3, 16),
        made_public_at=dt.date(2026, 3, 6), steps="Bước 1", method="Trực tiếp",
        implementing_agency="Sở Tư pháp")
    y = build_procedure(code="2.000002", level="province")
    ProcedureVersion.objects.filter(procedure=y).update(
        decision_date=dt.date(2026, 3, 12), legal_effective_date=dt.date(2026, 3, 16),
        made_public_at=dt.date(2026, 3, 20))
    return x, y


def test_province_only_indicators_for_a_commune_take_the_provinces_values(org, publications):
    now = at("09:00 10/05/2026")
    province = by_code(selectors.index(selectors.resolve_scope(), MARCH, now=now))
    commune = by_code(selectors.index(selectors.resolve_scope(org.commune_b.code), MARCH,
                                      now=now))
    # 1.1: 1 of 2 on time → 6 × 0.5 = 3; 1.2: 1 of 2 → 4 × 0.5 = 2; 1.3: X alone has the 7
    # public parts, of the 3 procedures in force today (1.004873, X, Y) → 2 × 1/3
    expected = {"1.1": (1, 2, 3.0), "1.2": (1, 2, 2.0), "1.3": (1, 3, 2 / 3)}
    for code, (num, den, points) in expected.items():
        for s in (province[code], commune[code]):
            assert (s.numerator, s.denominator) == (num, den)
            assert s.score == pytest.approx(points)
    # commune B has no dossier: 2.1 cannot be judged, 5.3 is 0 (its rule), not full marks
    assert (commune["2.1"].score, commune["2.1"].status) == (None, NO_SCORE)
    assert (commune["5.3"].score, commune["5.3"].status) == (0, ZERO_IF_NONE)
    # April: no decision dated in it: 1.1 and 1.2 have nothing to judge (no score)
    april = by_code(selectors.index(selectors.resolve_scope(org.commune_b.code), APRIL,
                                    now=now))
    assert april["1.1"].status == april["1.2"].status == NO_SCORE


def test_groups_and_total_by_hand(org, march, publications):
    """Commune A, March. Scored: 1.1 3 + 1.2 2 + 1.3 2/3 (transparency 5.667 of 12 with
    data); 2.1 10; 3.1: commune-level procedures 1 (online) of 1 → 2; 3.2: 0 of 1 online
    dossier → 0; 4.3: 0 of 6 → 0; 4.6 fixed 2; 5.1, 5.2: no petition → full marks 6 each; 5.3:
    late rate 4/8, no complaint → r = 0.5 → 6 × 0.5 / 0.9 = 3.333 (satisfaction 15.333).
    1.4: no dossier in 2025, so no share of last year to divide by → no score, and 3.3, which
    multiplies by 1.4's ratio, none either; 4.5b: 0 of 6 identified → 0; 4.4: 0 of 6 with the
    national data store → 0; 4.5a: the commune-level procedure for individuals takes nothing
    from the population database → 0 of 1; 4.1, 4.2: no dossier finished with a result (the
    one finished has no outcome recorded) → no score.
    Total 3 + 2 + 0.667 + 10 + 2 + 0 + 0 + 2 + 15.333 = 35."""
    result = selectors.index(selectors.resolve_scope(org.commune_a.code), MARCH,
                             now=at("09:00 10/05/2026"))
    s = by_code(result)
    assert s["4.6"].status == FIXED and s["5.3"].status == SCORED
    groups = {g.group.code: g for g in result.groups}
    assert groups["transparency"].score == pytest.approx(3 + 2 + 2 / 3)
    assert groups["transparency"].available_max == 12  # 1.4: no dossier last year, no score
    assert groups["progress"].score == 10
    assert groups["online_service"].score == 2 and groups["online_service"].available_max == 6
    assert groups["online_payment"].score is None  # no fee-bearing procedure: nothing to judge
    assert groups["digitization"].score == 2
    assert groups["digitization"].available_max == 2 + 4 + 2 + 2 + 2  # 4.3, 4.4, 4.5a/b, 4.6
    assert groups["satisfaction"].score == pytest.approx(6 + 6 + 10 / 3)
    assert result.total == pytest.approx(3 + 2 + 2 / 3 + 10 + 2 + 0 + 0 + 2 + 6 + 6 + 10 / 3)
    assert result.max_score == 100 and result.available_max == 12 + 20 + 6 + 12 + 18
    assert not {code for code, x in s.items() if x.status == NO_DATA}
    assert {s[c].status for c in ("1.4", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2")} == {NO_SCORE}
    assert (s["1.4"].numerator, s["1.4"].denominator) == (0, 0)
    assert (s["4.4"].numerator, s["4.4"].denominator) == (0, 6)
    assert (s["4.5a"].numerator, s["4.5a"].denominator) == (0, 1)
    assert {code for code, x in s.items() if x.status == SCORED} == {
        "1.1", "1.2", "1.3", "2.1", "3.1", "3.2", "4.3", "4.4", "4.5a", "4.5b", "5.3"}


def test_ranking_by_hand(org, march):
    """March: commune B (J early: 2.1 = 20, 5.3 = 6) ranks before commune A (2.1 = 10; 5.3:
    late rate 0.5 → 6 × 0.5 / 0.9); the rest of their scores is alike (no publication, 1.3 0
    of 1, 3.1 2, 3.2 0, 4.3 0, 4.6 2, no petition: 5.1 and 5.2 full marks)."""
    ranked = selectors.ranking("commune", MARCH, now=at("09:00 10/05/2026"))
    assert [(r.rank, r.index.scope.code) for r in ranked] == [
        (1, org.commune_b.code), (2, org.commune_a.code)]
    assert ranked[0].index.total == pytest.approx(20 + 2 + 2 + 6 + 6 + 6)
    assert ranked[1].index.total == pytest.approx(10 + 2 + 2 + 6 + 6 + 10 / 3)
    agencies = selectors.ranking("agency", MARCH, now=at("09:00 10/05/2026"))
    assert [r.index.scope.code for r in agencies][:2] == [org.pc_b.code, org.pc_a.code]


def test_the_whole_provinces_index_reads_a_fixed_number_of_queries(org, march):
    province = selectors.resolve_scope()
    with CaptureQueriesContext(connection) as once:
        selectors.index(province, APRIL, now=at("09:00 02/04/2026"))
    for n in range(3):  # more dossiers, agencies and months change nothing
        received(org, Procedure.objects.get(), at(f"09:00 0{n + 6}/04/2026"))
    with CaptureQueriesContext(connection) as again:
        selectors.index(province, APRIL, now=at("09:00 10/04/2026"))
    assert len(again) == len(once) <= 11  # 3 of them the online payment group's
    tables = " ".join(q["sql"] for q in again.captured_queries)
    assert '"dossiers_dossier"' not in tables  # rollups only, never the raw dossiers


def test_a_dossier_carried_over_a_new_year_and_late_by_a_second_supplement_request(
        org, procedure):
    """Received Monday 28/12/2026 09:00: due Thursday 31/12 09:00 (6 + 8 + 8 + 2 working
    hours). A supplement asked 10:00 28/12 and answered 10:00 29/12 stops the clock 8 working
    hours (5 on the 28th, 3 on the 29th): due Monday 04/01/2027 09:00 (6 h on the 31st, the 1st
    is a holiday, then 2 h). Asked again at 09:00 04/01, the second request after receipt: late
    from then on, paused or not. Carried over into January.

    January 2027, judged on 20/01: carried over 1, received 0; unfinished at the end of January
    and late → 2.1: 0 / 1 → 0. December 2026: received 1; at the end of December it is in time
    (its shifted due time has not passed) → 20."""
    d = received(org, procedure, at("09:00 28/12/2026"))
    d = answer(ask(d, "10:00 28/12/2026", org), "10:00 29/12/2026", org)
    ask(d, "09:00 04/01/2027", org, reason="Thiếu bản sao")
    commune_a = selectors.resolve_scope(org.commune_a.code)
    january, december = Period(MONTH, 2027, 1), Period(MONTH, 2026, 12)
    now = at("09:00 20/01/2027")
    result, raw = both(commune_a, january, now)
    assert result.counters.dossiers == raw
    assert (raw.received, raw.carried_over, raw.open_in_time) == (0, 1, 0)
    assert by_code(result)["2.1"].score == 0
    result, raw = both(commune_a, december, now)
    assert result.counters.dossiers == raw
    assert (raw.received, raw.open_in_time) == (1, 1)
    assert by_code(result)["2.1"].score == 20


def test_a_sectors_index_and_an_agencys_procedures(org, procedure):
    """A sector's index reads only its dossiers and procedures; an agency's 3.1 counts the
    procedures it handled dossiers of.

    Sector "Chứng thực" holds 2.000009 (province level, online) and no dossier: 2.1 has
    nothing to judge; 3.1 = 1 online of its 1 procedure → 2. Commune A's People's Committee
    handled 1.004873 (online, full) only: 3.1 = 1 of 1 → 2, and 3.2 = 0 of 1 (counter
    dossier only) → 0; its one dossier, received 02/03 09:00, was due 05/03 09:00 and is
    still open at the end of March: 2.1 = 0 / 1."""
    other = Sector.objects.create(name="Chứng thực")
    p = build_procedure(code="2.000009", level="province", online_level="full")
    p.sector = other
    p.save()
    received(org, procedure, at("09:00 02/03/2026"))
    now = at("09:00 10/05/2026")
    sector = by_code(selectors.index(selectors.resolve_scope(None, other.pk), MARCH, now=now))
    assert (sector["2.1"].score, sector["2.1"].status) == (None, NO_SCORE)
    assert (sector["3.1"].numerator, sector["3.1"].denominator, sector["3.1"].score) == (1, 1, 2)
    agency = by_code(selectors.index(selectors.resolve_scope(org.pc_a.code), MARCH, now=now))
    assert (agency["3.1"].numerator, agency["3.1"].denominator) == (1, 1)
    assert (agency["3.2"].numerator, agency["3.2"].denominator, agency["3.2"].score) == (0, 1, 0)
    assert (agency["2.1"].numerator, agency["2.1"].denominator, agency["2.1"].score) == (0, 1, 0)
