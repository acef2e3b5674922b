"""The registry and the formulas of DOMAIN.md §5, on counters given by hand (no database):
caps, the "full marks if none" rules, 5.3's zero without dossiers, 1.4's fallback, 3.3's
product, no data for what is not collected. Every expected score is worked out in a comment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from motcua.reporting import indicators
from motcua.reporting.indicators import (
    FIXED,
    FULL_IF_NONE,
    GROUPS,
    INDICATORS,
    NO_DATA,
    NO_SCORE,
    SCORED,
    SYNC_COUNTS,
    ZERO_IF_NONE,
    Counters,
    DossierCounts,
    evaluate,
    registry,
)
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period, month_of, period_of
from motcua.workcalendar.rules import TZ

BY_CODE = {i.code: i for i in registry()}


def score(code: str, **counters) -> indicators.Score:
    return evaluate(BY_CODE[code], Counters(**counters))


def test_groups_add_up_to_their_maxima_and_the_total_to_100():
    for group in GROUPS:
        assert sum(i.max_score for i in INDICATORS if i.group == group.code) == group.max_score
    assert sum(g.max_score for g in GROUPS) == indicators.TOTAL_MAX == 100
    assert len({i.code for i in INDICATORS}) == len(INDICATORS) == 21


def test_the_registry_states_each_rule_of_domain_section_5():
    caps = {i.code: i.full_at for i in INDICATORS if i.full_at}
    assert caps == {"3.1": 0.8, "3.3": 0.5, "3.5": 0.8, "3.4": 0.8, "4.3": 0.8, "5.3": 0.9}
    assert {i.code for i in INDICATORS if i.empty == FULL_IF_NONE} == {"5.1", "5.2"}
    assert {i.code for i in INDICATORS if i.empty == ZERO_IF_NONE} == {"5.3"}
    assert {i.code for i in INDICATORS if i.province_only} == {"1.1", "1.2", "1.3"}
    assert {i.code for i in INDICATORS if i.unconfirmed} == {"3.1", "3.2", "3.3", "4.4", "4.6"}


def test_linear_score_is_max_times_ratio():
    # 2.1: 15 on time of 20 → 20 × 0.75 = 15
    s = score("2.1", dossiers=DossierCounts(received=12, carried_over=8, ended_early=5,
                                            ended_on_time=6, ended_late=3, open_in_time=4))
    assert (s.numerator, s.denominator, s.ratio, s.score, s.status) == (15, 20, 0.75, 15, SCORED)


@pytest.mark.parametrize(("online", "procedures", "expected"), [
    (4, 5, 2.0),   # 80 % → full marks: min(2, 2 × 0.8 / 0.8) = 2
    (5, 5, 2.0),   # 100 % → still 2 (the cap)
    (3, 5, 1.5),   # 60 % → 2 × 0.6 / 0.8 = 1.5
    (0, 5, 0.0),
])
def test_cap_full_marks_at_80_percent(online, procedures, expected):
    s = score("3.1", online_procedures=online, scope_procedures=procedures)
    assert s.score == pytest.approx(expected)


def test_cap_of_4_3_reuse():
    # 1 of 2 received reuses digitized data: 2 × 0.5 / 0.8 = 1.25
    s = score("4.3", dossiers=DossierCounts(received=2, reused=1))
    assert s.score == pytest.approx(1.25)


def test_full_marks_if_no_petition():
    for code in ("5.1", "5.2"):
        s = score(code, petitions=0, petitions_in_time=0, petitions_satisfied=0)
        assert (s.score, s.status, s.ratio) == (6, FULL_IF_NONE, None)
    # 7 of 8 handled in time (those still within their deadline included): 6 × 7/8 = 5.25
    assert score("5.1", petitions=8, petitions_in_time=7).score == pytest.approx(5.25)
    # 3 of 4 satisfied: 6 × 0.75 = 4.5
    assert score("5.2", petitions=4, petitions_satisfied=3).score == pytest.approx(4.5)


def test_5_3_is_zero_without_dossiers_even_before_ratings_exist():
    s = score("5.3")  # no dossier received or carried over; complaints not collected
    assert (s.score, s.status) == (0, ZERO_IF_NONE)


def test_5_3_satisfaction_with_its_cap_at_90_percent():
    counts = DossierCounts(received=100, ended_on_time=90, ended_late=10)
    # late rate 10 %, complained 0 % → r = 0.9 → full marks 6
    assert score("5.3", dossiers=counts, complained_dossiers=0).score == pytest.approx(6)
    # late 10 %, complained 18 % → r = 0.72 → 6 × 0.72 / 0.9 = 4.8
    assert score("5.3", dossiers=counts, complained_dossiers=18).score == pytest.approx(4.8)
    # late 10 %, complained 95 % → r < 0 → kept at 0
    assert score("5.3", dossiers=counts, complained_dossiers=95).score == 0
    # dossiers but no ratings collected yet: no data
    assert score("5.3", dossiers=counts).status == NO_DATA


def test_1_4_sync_against_the_larger_count_or_last_years_share():
    # 10 synced of max(20, 25) → 0.4 → 6 × 0.4 = 2.4
    s = score("1.4", synced=10, national_dossiers=20, portal_dossiers=25)
    assert (s.denominator, s.score) == (25, pytest.approx(2.4))
    # neither count: last year's total ÷ 12 for a month (96 / 12 = 8): 6 of 8 → 4.5
    s = score("1.4", synced=6, national_dossiers=0, portal_dossiers=None, last_year_dossiers=8)
    assert (s.denominator, s.score) == (8, pytest.approx(4.5))
    # more synced than the share: the ratio is kept at 1 → 6
    assert score("1.4", synced=10, last_year_dossiers=8).score == 6


def test_3_3_online_filing_times_the_sync_rate_full_at_50_percent():
    # 30 of 100 online with their e-result, sync 80 %: r = 0.3 × 0.8 = 0.24 → 6 × 0.24/0.5
    s = score("3.3", dossiers=DossierCounts(received=100), online_counted=30, synced=8,
              national_dossiers=10)
    assert s.score == pytest.approx(2.88)
    # 70 of 100, sync 100 %: 0.7 ≥ 0.5 → 6
    s = score("3.3", dossiers=DossierCounts(received=100), online_counted=70, synced=10,
              national_dossiers=10)
    assert s.score == 6


@pytest.mark.parametrize(("code", "numbers", "expected"), [
    # 3.6: 9 of 12 dossiers with a financial obligation paid online: 6 × 0.75 = 4.5
    ("3.6", {"paid_online": 9, "payable_dossiers": 12}, 4.5),
    # 3.5: 3 of 5 fee-bearing procedures with dossiers had an online payment: 2 × 0.6/0.8
    ("3.5", {"fee_procedures_paid_online": 3, "fee_procedures_with_dossiers": 5}, 1.5),
    # 3.4: 9 of 10 fee-bearing procedures payable online: ≥ 80 % → 2
    ("3.4", {"fee_procedures_payable_online": 9, "fee_procedures": 10}, 2),
    # 4.1: 45 of 50 with a signed e-result: 6 × 0.9 = 5.4
    ("4.1", {"e_result_dossiers": 45, "document_result_dossiers": 50}, 5.4),
    # 4.5a: 1 of 4 procedures for individuals uses population data: 2 × 0.25 = 0.5
    ("4.5a", {"population_procedures": 1, "individual_procedures": 4}, 0.5),
    # 4.2: 30 of 40 finished with a written result digitized (components and result),
    # linear: 4 × 0.75 = 3
    ("4.2", {"digitized_dossiers": 30, "document_result_dossiers": 40}, 3),
    # 4.4: 10 of 40 with a component from or a result to the data store: 4 × 0.25 = 1
    ("4.4", {"store_dossiers": 10, "dossiers": DossierCounts(received=40)}, 1),
    # 4.5b: 36 of 40 using population data or a VNeID account: 2 × 0.9 = 1.8
    ("4.5b", {"population_dossiers": 36, "dossiers": DossierCounts(received=40)}, 1.8),
    # 1.1: 2 of 5 decisions on time: 6 × 0.4 = 2.4; 1.2: 3 of 4 made public on time: 3
    ("1.1", {"published_on_time": 2, "published": 5}, 2.4),
    ("1.2", {"public_on_time": 3, "to_be_public": 4}, 3),
    # 1.3: 7 of 10 public procedures with all 7 parts: 2 × 0.7 = 1.4
    ("1.3", {"complete_procedures": 7, "public_procedures": 10}, 1.4),
    # 3.2: 3 of 8 online services with an online dossier: 4 × 3/8 = 1.5 (no cap)
    ("3.2", {"online_procedures_used": 3, "online_procedures": 8}, 1.5),
    # 4.3 above its cap: 9 of 10 reused → 2
    ("4.3", {"dossiers": DossierCounts(received=10, reused=9)}, 2),
])
def test_each_formula_by_hand(code, numbers, expected):
    assert score(code, **numbers).score == pytest.approx(expected)


def test_nothing_to_judge_without_a_rule_gives_no_score_not_full_marks():
    s = score("2.1")  # no dossier
    assert (s.score, s.status, s.denominator) == (None, NO_SCORE, 0)
    s = score("1.1", published=0, published_on_time=0)
    assert (s.score, s.status) == (None, NO_SCORE)


def test_a_counter_not_collected_is_no_data_never_a_score():
    s = score("4.2")  # Counters() collected nothing
    assert (s.score, s.status, s.numerator) == (None, NO_DATA, None)


def test_4_6_is_the_portals_fixed_score_or_the_share_of_certifying_communes():
    assert (score("4.6").score, score("4.6").status) == (2, FIXED)
    plain = {i.code: i for i in registry(certified_copies_full_marks=False)}["4.6"]
    assert evaluate(plain, Counters()).status == NO_DATA
    # 1 of 4 communes issued an electronic certified copy: 2 × 0.25 = 0.5
    s = evaluate(plain, Counters(communes=4, communes_certifying=1))
    assert (s.numerator, s.denominator, s.score) == (1, 4, pytest.approx(0.5))
    # a department (no commune): nothing to judge, no score
    assert evaluate(plain, Counters(communes=0, communes_certifying=0)).status == NO_SCORE


def test_unconfirmed_rules_are_configurable_and_only_they():
    changed = {i.code: i for i in registry({"3.1": {"full_at": None, "max_score": 3}})}
    # linear now: 3 of 5 → 3 × 0.6 = 1.8
    assert evaluate(changed["3.1"], Counters(online_procedures=3, scope_procedures=5)) \
        .score == pytest.approx(1.8)
    with pytest.raises(ValueError):
        registry({"2.1": {"max_score": 30}})
    with pytest.raises(ValueError):
        registry({"3.1": {"group": "progress"}})


def test_classification():
    assert [indicators.classify(x) for x in (95, 90, 89.9, 50, 49.99, None)] == [
        "excellent", "excellent", "", "", "weak", ""]


def _field_exists(label: str) -> bool:
    app_label, model_name, field_name = label.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return False
    try:
        model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    return True


def test_no_indicator_waits_for_a_field_any_more():
    """Every indicator is computed: the digitization group from records' events (4.1 and 3.3
    signed results, 4.2 digitization, 4.4 the national data store), 4.5a from the catalogue's
    population-database components, 4.6 from the certified copies when not given full marks.
    An indicator that waits for a field names it in `needs`, and that field must not exist
    yet (when it lands, collect it and drop it from `needs`)."""
    waiting = {need for i in INDICATORS for need in i.needs}
    assert not [need for need in waiting if _field_exists(need)]
    assert not waiting
    # 1.4's preferred denominator, the national counts, is not fetched yet: when it is,
    # fill Counters.national_dossiers and portal_dossiers from it
    assert not [need for need in SYNC_COUNTS if _field_exists(need)]


def test_periods():
    q = period_of(QUARTER, 2026, quarter=2)
    assert q.months == [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert q.start == dt.datetime(2026, 4, 1, tzinfo=TZ)
    assert q.end == dt.datetime(2026, 7, 1, tzinfo=TZ)
    assert Period(YEAR, 2026).end == dt.datetime(2027, 1, 1, tzinfo=TZ)
    assert Period(MONTH, 2026, 12).end_month == dt.date(2027, 1, 1)
    # a month is Vietnam's: 23:30 UTC on 31 January is 06:30 on 1 February there
    assert month_of(dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 2, 1)
    with pytest.raises(ValueError):
        Period(MONTH, 2026, 13)
