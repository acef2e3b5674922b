"""Index 3.4–3.6 (online payment, DOMAIN.md §5) from the catalogue's fees and the online
payments recorded by integration (integration.Payment: succeeded through an authenticated
confirm callback of the national payment platform).

- Fee-bearing procedures: in force on the day the period is judged, with the fees a dossier
  is charged (catalog.fees: in person or online, not a copy only asked for nor a fee charged
  abroad) not all zero (an amount not published counts as a fee). Payable online (3.4): the
  fees charged online are all known, so that the payment adapter can ask for them
  (integration never invents an amount).
- Dossiers with a financial obligation (3.6's denominator): dossiers of fee-bearing procedures
  received in the period (the monthly flow rollup, by handling agency). Paid online: dossiers
  of fee-bearing procedures with an online payment that succeeded in the period (by the
  payment's own agency and procedure, copied from the dossier when it started: the raw
  dossiers are never read). A dossier paid in a later period than its receipt counts there.
- 3.5: fee-bearing procedures with a dossier in the period / … with one paid online.

Read once per period (a query on the catalogue's fees, one on the rollup, one on the
payments), so
that scoring many units costs dictionary sums only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from motcua.catalog import fees
from motcua.catalog.models import Fee
from motcua.core.formatting import LOCAL_TZ
from motcua.integration.models import Payment
from motcua.reporting.models import FlowRollup
from motcua.reporting.periods import Period

PerAgency = dict[int, dict[int, int]]  # handling agency → procedure → dossiers


def _version_in_force(day: dt.date) -> Q:
    """catalog.selectors.in_force_on, on a fee's version."""
    return Q(version__effective_from__lte=day) & (
        Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=day))


@dataclass(frozen=True)
class PaymentRead:
    fee_bearing: frozenset[int] = frozenset()
    payable: frozenset[int] = frozenset()  # fee-bearing with every amount known
    received: PerAgency = field(default_factory=dict)
    paid: PerAgency = field(default_factory=dict)

    def counters(self, mine: Iterable[int], agency_ids: Iterable[int] | None
                 ) -> dict[str, int]:
        """The Counters fields of 3.4–3.6 for a scope: its procedures (`mine`, for 3.4) and
        its agencies (None: all)."""
        agencies = (set(self.received) | set(self.paid)) if agency_ids is None \
            else set(agency_ids)
        received: Counter[int] = Counter()
        paid: Counter[int] = Counter()
        for agency in agencies:
            received.update(self.received.get(agency, {}))
            paid.update(self.paid.get(agency, {}))
        fee_mine = self.fee_bearing & frozenset(mine)
        return {
            "paid_online": sum(n for p, n in paid.items() if p in self.fee_bearing),
            "payable_dossiers": sum(n for p, n in received.items() if p in self.fee_bearing),
            "fee_procedures_paid_online": sum(1 for p, n in paid.items()
                                              if n and p in self.fee_bearing),
            "fee_procedures_with_dossiers": sum(1 for p, n in received.items()
                                                if n and p in self.fee_bearing),
            "fee_procedures_payable_online": len(fee_mine & self.payable),
            "fee_procedures": len(fee_mine),
        }


def fee_bearing(day: dt.date) -> tuple[frozenset[int], frozenset[int]]:
    """(fee-bearing procedures, those payable online) by the fees of each active procedure's
    latest version in force on `day` (as the index's catalogue read takes them): one query."""
    latest: dict[int, tuple[tuple[dt.date, int], list[Fee]]] = {}
    for procedure_id, effective, number, amount, applies in Fee.objects.filter(
            _version_in_force(day), version__procedure__is_active=True) \
            .values_list("version__procedure_id", "version__effective_from",
                         "version__number", "amount_vnd", "applies").order_by():
        key = (effective, number)
        line = Fee(amount_vnd=amount, applies=applies)
        held = latest.get(procedure_id)
        if held is None or key > held[0]:
            latest[procedure_id] = (key, [line])
        elif key == held[0]:
            held[1].append(line)
    bearing, payable = set(), set()
    for procedure_id, (_key, lines) in latest.items():
        in_person = fees.charged(lines, fees.COUNTER)
        online = fees.charged(lines, fees.ONLINE)
        if any(f.amount_vnd != 0 for f in (*in_person, *online)):
            bearing.add(procedure_id)
            if fees.total(online):  # every amount charged online known, and not all zero
                payable.add(procedure_id)
    return frozenset(bearing), frozenset(payable)


def read_payments(period: Period, now: dt.datetime, *,
                  agency_ids: Iterable[int] | None = None, sector_id: int | None = None
                  ) -> PaymentRead:
    """The period's payment figures judged at `now`, for `agency_ids` (None: all)."""
    t = period.evaluated_at(now)
    day = (t - dt.timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()
    bearing, payable = fee_bearing(day)
    flow = Q(month__in=period.months, received__gt=0)
    paid = Q(status=Payment.Status.SUCCEEDED, online=True, succeeded_at__gte=period.start,
             succeeded_at__lt=t)
    if agency_ids is not None:
        ids = sorted(agency_ids)
        flow &= Q(agency_id__in=ids)
        paid &= Q(agency_id__in=ids)
    if sector_id is not None:
        flow &= Q(sector_id=sector_id)
        paid &= Q(procedure__sector_id=sector_id)
    received: PerAgency = {}
    for agency, procedure, n in FlowRollup.objects.filter(flow, procedure_id__in=bearing) \
            .values("agency_id", "procedure_id").annotate(n=Sum("received")) \
            .values_list("agency_id", "procedure_id", "n").order_by():
        received.setdefault(agency, {})[procedure] = n
    paid_by: PerAgency = {}
    for agency, procedure, n in Payment.objects.filter(paid) \
            .values("agency_id", "procedure_id") \
            .annotate(n=Count("dossier_id", distinct=True)) \
            .values_list("agency_id", "procedure_id", "n") \
            .order_by():
        paid_by.setdefault(agency, {})[procedure] = n
    return PaymentRead(bearing, payable, received, paid_by)
