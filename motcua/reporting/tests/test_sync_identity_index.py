"""Index 1.4 (dossier sync) and 4.5b (population data or VNeID), worked by hand, with the
syncs acknowledged by the sandbox portal over real HTTP (the outbox worker's pass) and the
identities recorded as the counter and the online submission record them.

2025: 16 dossiers received from July (none synced). 2026: E online in January (synced before it was
received), A at the counter in March (population data, recorded after its receipt; synced),
B online in March (a VNeID level-2 account filing for itself; not synced), C at the counter in
March (entered by hand: the population database did not answer; not synced), D at the counter
in April (synced). The national counts are not fetched: 1.4 divides by last year's share."""

from __future__ import annotations

import httpx
import pytest
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, received
from motcua.integration import identity, outbox
from motcua.integration.models import EIdAccount, PortalSync
from motcua.reporting import reference, selectors
from motcua.reporting.actions import rebuild
from motcua.reporting.indicators import NO_DATA, NO_SCORE, SCORED
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period

pytestmark = pytest.mark.django_db
NOW = at("09:00 10/05/2026")
AN = "037095001234"


@pytest.fixture
def history(org, procedure, sandbox, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 40
    settings.NATIONAL_SEND_SECONDS = 10
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    e = online(org, procedure, at("09:00 05/01/2026"))
    assert outbox.run_pass(at("10:00 05/01/2026"))["delivered"] >= 1  # synced, not received
    e = actions.perform(e, "accept", org.officer_a, now=at("11:00 05/01/2026"))
    a = received(org, procedure, at("09:00 02/03/2026"))
    identity.record_dossier_identity(a, id_number=a.applicant_id_number,
                                     population_data_used=True)
    # a second mark of an identified dossier counts it once
    identity.record_dossier_identity(a, id_number=a.applicant_id_number, vneid_verified=True)
    d = received(org, procedure, at("09:00 06/04/2026"))
    assert outbox.run_pass(at("12:00 06/04/2026"))["delivered"] >= 3  # E again, A, D
    org.citizen.national_id = AN
    org.citizen.save()
    EIdAccount.objects.create(user=org.citizen, subject="s-1", id_number=AN,
                              assurance_level=2, full_name="Nguyễn Văn An",
                              verified_at=timezone.now())
    b = online(org, procedure, at("09:00 03/03/2026"))
    b = actions.perform(b, "accept", org.officer_a, now=at("10:00 03/03/2026"))
    c = received(org, procedure, at("09:00 04/03/2026"))
    identity.record_dossier_identity(c, id_number=c.applicant_id_number, manual_entry=True)
    for i in range(16):
        received(org, procedure, at(f"09:00 {10 + i}/{i % 6 + 7:02d}/2025"))
    assert set(PortalSync.objects.values_list("dossier_id", flat=True)) == {e.pk, a.pk, d.pk}
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def scores(period, root=""):
    return {s.indicator.code: s for s in selectors.index(selectors.resolve_scope(root), period,
                                                         now=NOW).scores}


def test_1_4_and_4_5b_by_hand(history):
    # March: 1 synced (A) of last year's 16 ÷ 12 → 0.75 → 6 × 0.75 = 4.5;
    # 4.5b: A and B of 3 → 2 × 2/3
    s = scores(Period(MONTH, 2026, 3))
    assert (s["1.4"].numerator, s["1.4"].denominator) == (1, pytest.approx(16 / 12))
    assert (s["1.4"].score, s["1.4"].status) == (pytest.approx(4.5), SCORED)
    assert (s["4.5b"].numerator, s["4.5b"].denominator) == (2, 3)
    assert s["4.5b"].score == pytest.approx(4 / 3) and s["4.5b"].status == SCORED
    # Q1: E and A synced of 16 ÷ 4 → 0.5 → 3; 4.5b: 2 of 4 → 1
    s = scores(Period(QUARTER, 2026, 1))
    assert (s["1.4"].numerator, s["1.4"].denominator, s["1.4"].score) == (2, 4, 3)
    assert (s["4.5b"].numerator, s["4.5b"].denominator, s["4.5b"].score) == (2, 4, 1)
    # 2026: E, A, D of 16 → 6 × 3/16 = 1.125; 4.5b: 2 of 5 → 0.8
    s = scores(Period(YEAR, 2026))
    assert (s["1.4"].numerator, s["1.4"].denominator) == (3, 16)
    assert s["1.4"].score == pytest.approx(1.125)
    assert (s["4.5b"].numerator, s["4.5b"].denominator) == (2, 5)
    assert s["4.5b"].score == pytest.approx(0.8)
    # February: nothing synced of a share of 16 ÷ 12 → 0; nothing received: 4.5b no score
    s = scores(Period(MONTH, 2026, 2))
    assert (s["1.4"].numerator, s["1.4"].score, s["1.4"].status) == (0, 0, SCORED)
    assert s["4.5b"].status == NO_SCORE and s["4.5b"].score is None
    # 2025: no dossier in 2024 → no share to divide by: no score, never invented
    s = scores(Period(YEAR, 2025))
    assert (s["1.4"].numerator, s["1.4"].denominator) == (0, 0)
    assert (s["1.4"].score, s["1.4"].status) == (None, NO_SCORE)
    assert (s["4.5b"].numerator, s["4.5b"].denominator, s["4.5b"].score) == (0, 16, 0)


def test_3_3_multiplies_the_online_share_by_the_sync_rate(history):
    """March: B online of 3 received (none given a result yet, so none is excluded for lack of
    its electronic one), times 1.4's ratio 0.75: r = 1/3 × 0.75 = 0.25 → 6 × 0.25 / 0.5 = 3."""
    s = scores(Period(MONTH, 2026, 3))
    assert (s["3.3"].numerator, s["3.3"].denominator) == (pytest.approx(0.75), 3)
    assert (s["3.3"].score, s["3.3"].status) == (pytest.approx(3), SCORED)
    assert not [code for code, x in s.items() if x.status == NO_DATA]


def test_the_flags_equal_the_recomputation_and_survive_a_rebuild(history):
    province = selectors.resolve_scope("")
    periods = [Period(MONTH, 2026, 1), Period(MONTH, 2026, 3), Period(QUARTER, 2026, 1),
               Period(YEAR, 2026), Period(YEAR, 2025)]
    before = {p: selectors.index(province, p, now=NOW).counters for p in periods}
    for p in periods:
        counts = before[p].dossiers
        assert counts == reference.dossier_counts(province, p, NOW)
        assert before[p].last_year_dossiers == pytest.approx(
            reference.last_year_share(province, p))
    rebuild()
    assert {p: selectors.index(province, p, now=NOW).counters for p in periods} == before


def test_a_sync_or_identity_of_a_dossier_not_received_counts_nothing_until_it_is(
        org, procedure, sandbox):
    httpx.delete(sandbox.url + "/portal/received", timeout=10).raise_for_status()
    d = online(org, procedure, at("09:00 05/01/2026"))
    identity.record_dossier_identity(d, id_number=AN, population_data_used=True)
    outbox.run_pass(at("10:00 05/01/2026"))
    january = Period(MONTH, 2026, 1)
    s = scores(january)
    assert (s["1.4"].numerator, s["4.5b"].numerator) == (0, 0)
    actions.perform(d, "accept", org.officer_a, now=at("11:00 05/01/2026"))
    s = scores(january)
    assert (s["1.4"].numerator, s["4.5b"].numerator, s["4.5b"].denominator) == (1, 1, 1)
    assert s["1.4"].status == NO_SCORE  # no dossier in 2025


