"""Index 3.4–3.6 from the catalogue's fees and the online payments (worked by hand): commune
A's People's Committee in March 2026, dossiers received at the counter of commune A's center."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.factories import at, received
from motcua.integration import payments_actions
from motcua.integration.tests.payments_helpers import callback, fee_procedure, pending
from motcua.reporting import selectors, statistics
from motcua.reporting.indicators import NO_SCORE, SCORED
from motcua.reporting.periods import MONTH, Period

pytestmark = pytest.mark.django_db
MARCH, APRIL = Period(MONTH, 2026, 3), Period(MONTH, 2026, 4)
NOW = at("09:00 10/05/2026")


def pay(d, when: str, reference: str):
    p = pending(d, reference=reference, started_at=at(when))
    result = payments_actions.confirm(callback(p, paid_at=at(when), message_id=reference),
                                      remote_addr=None, now=at(when))
    assert result.accepted


@pytest.fixture
def march(org, settings):
    """Fee-bearing (70.000 ₫, known): 3 dossiers in March, 1 paid online in March, 1 paid in
    April (counted in April). Fee-bearing with an amount not published: 1 dossier. Free:
    2 dossiers (not an obligation)."""
    settings.PAYMENT_CALLBACK_MAX_AGE_SECONDS = 10**9
    fees = fee_procedure(code="1.000003")
    unknown = fee_procedure(code="1.000002", fees=(("Lệ phí", 50_000), ("Phí", None)))
    free = fee_procedure(code="1.000001", fees=(("Lệ phí", 0),))
    a = received(org, fees, at("09:00 02/03/2026"))
    b = received(org, fees, at("09:00 03/03/2026"))
    received(org, fees, at("09:00 04/03/2026"))
    received(org, unknown, at("09:00 05/03/2026"))
    for day in ("06", "09"):
        received(org, free, at(f"09:00 {day}/03/2026"))
    pay(a, "10:00 02/03/2026", "MC260302AAAAAAAAAA")
    pay(b, "10:00 02/04/2026", "MC260402BBBBBBBBBB")


def by_code(index):
    return {s.indicator.code: s for s in index.scores}


def test_the_online_payment_group_by_hand(org, march):
    """3.6: 1 paid of 4 with an obligation (3 + 1 unknown amount) → 6 × 0.25 = 1.5. 3.5: 1 of
    2 fee-bearing procedures with dossiers → 0.5, full at 80 % → 2 × 0.5 / 0.8 = 1.25. 3.4: 1
    of 2 fee-bearing procedures payable online (the other's amount is unknown) → 1.25."""
    s = by_code(selectors.index(selectors.resolve_scope(org.commune_a.code), MARCH, now=NOW))
    assert (s["3.6"].numerator, s["3.6"].denominator, s["3.6"].score) == (1, 4, 1.5)
    assert (s["3.5"].numerator, s["3.5"].denominator) == (1, 2)
    assert s["3.5"].score == pytest.approx(1.25)
    assert (s["3.4"].numerator, s["3.4"].denominator) == (1, 2)
    assert s["3.4"].score == pytest.approx(1.25)
    assert {s[c].status for c in ("3.4", "3.5", "3.6")} == {SCORED}
    # the province, and the ranking, read the same figures
    province = by_code(selectors.index(selectors.resolve_scope(""), MARCH, now=NOW))
    assert (province["3.6"].numerator, province["3.6"].denominator) == (1, 4)
    ranked = {r.index.scope.code: by_code(r.index)
              for r in selectors.ranking("commune", MARCH, now=NOW)}
    assert ranked[org.commune_a.code]["3.6"].score == 1.5
    assert ranked[org.commune_b.code]["3.6"].status == NO_SCORE  # no dossier: no obligation


def test_a_payment_counts_in_the_period_it_succeeded(org, march):
    """B, received in March, was paid in April: it counts in April (the period of the
    payment), where no obligation was received: nothing to judge."""
    s = by_code(selectors.index(selectors.resolve_scope(org.commune_a.code), APRIL, now=NOW))
    assert (s["3.6"].numerator, s["3.6"].denominator, s["3.6"].status) == (1, 0, NO_SCORE)


def test_the_rates_table_shows_the_paid_online_rate(org, march):
    scope = selectors.resolve_scope(org.commune_a.code)
    table = statistics.rates(scope, MARCH, NOW)
    row = dict(zip([c.key for c in table.columns], next(iter(table.rows)), strict=True))
    assert row["payment_rate"] == 0.25  # 3.6: 1 paid of 4 with an obligation
