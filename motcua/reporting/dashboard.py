"""Reads of the leaders' dashboard (workspace `/can-bo/chi-so/`): the scopes a reader may
choose, the index's trend by month, the monthly on-time and online rates, and why a group
has no score. Everything comes from `selectors` and `statistics` (the rollups and facts).

The trend computes a month's index for each month of the year begun so far (about eight
queries each), and the rankings score every commune and agency; both are kept in the cache for
`settings.DASHBOARD_TREND_SECONDS` (default 300 s), so a page opened by many leaders costs them
once per scope and period in that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from motcua.org.models import HEADS, AdministrativeUnit, Agency, User
from motcua.org.selectors import held_roles
from motcua.reporting import policy
from motcua.reporting.indicators import NO_DATA
from motcua.reporting.models import FlowRollup
from motcua.reporting.periods import MONTH, Period
from motcua.reporting.selectors import (
    AGENCY,
    COMMUNE,
    HANDLING_KINDS,
    PROVINCE,
    GroupScore,
    Index,
    Scope,
    in_scope,
    index,
    province_unit,
    ranking,
)


@dataclass(frozen=True)
class Choice:
    code: str  # rootDepartmentId ("" for the province)
    name: str
    kind: str  # PROVINCE | COMMUNE | AGENCY


def choices(user: User) -> list[Choice]:
    """The units whose index `user` may read: everything for the province's readers, else the
    agencies they lead and, for a commune's, the commune."""
    if policy.reads_everything(user):
        province = province_unit()
        out = [Choice("", province.name if province else "", PROVINCE)]
        out += [Choice(u.code, u.name, COMMUNE) for u in AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, agencies__isnull=False).distinct()
            .order_by("name")]
        out += [Choice(a.code, a.name, AGENCY) for a in Agency.objects.filter(
            is_active=True, kind__in=HANDLING_KINDS).order_by("name")]
        return out
    leading = [r for r in held_roles(user) if r.role in HEADS]
    out = []
    communes = {r.unit_id for r in leading
                if r.unit_level == AdministrativeUnit.Level.COMMUNE}
    for unit in AdministrativeUnit.objects.filter(pk__in=communes).order_by("name"):
        out.append(Choice(unit.code, unit.name, COMMUNE))
    agencies = Agency.objects.filter(pk__in={r.agency_id for r in leading}) \
        .order_by("name")
    out += [Choice(a.code, a.name, AGENCY) for a in agencies]
    return out


def months_begun(year: int, now: dt.datetime) -> list[Period]:
    return [p for p in (Period(MONTH, year, m) for m in range(1, 13)) if p.has_started(now)]


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: its total, its six group scores (in GROUPS' order; None: no
    score) and its on-time rate (2.1's ratio; None without dossiers)."""

    month: dt.date
    total: float | None
    groups: tuple[float | None, ...]
    on_time: float | None


def trend(scope: Scope, year: int, now: dt.datetime) -> list[TrendPoint]:
    """The scope's index for each month of `year` begun at `now` (cached, see above)."""
    key = f"dashboard:trend:{scope.kind}:{scope.code}:{scope.sector_id}:{year}:" \
          f"{now.strftime('%Y%m%d%H')}"
    found: list[TrendPoint] | None = cache.get(key)
    if found is None:
        found = []
        for period in months_begun(year, now):
            result = index(scope, period, now=now)
            found.append(TrendPoint(period.first_month, result.total,
                                    tuple(g.score for g in result.groups),
                                    on_time_rate(result)))
        cache.set(key, found, settings.DASHBOARD_TREND_SECONDS)
    return found


@dataclass(frozen=True)
class RankedRow:
    rank: int
    name: str
    total: float | None
    on_time: float | None


def ranked(unit_type: str, period: Period, now: dt.datetime) -> list[RankedRow]:
    """The ranking of the communes or agencies, as the dashboard shows it (cached like the
    trend: every unit's index in one pass of fixed queries, but many units to score)."""
    key = f"dashboard:ranking:{unit_type}:{period.label()}:{now.strftime('%Y%m%d%H')}"
    found: list[RankedRow] | None = cache.get(key)
    if found is None:
        found = [RankedRow(r.rank, r.index.scope.name, r.index.total, on_time_rate(r.index))
                 for r in ranking(unit_type, period, now=now)]
        cache.set(key, found, settings.DASHBOARD_TREND_SECONDS)
    return found


def on_time_rate(result: Index) -> float | None:
    c = result.counters.dossiers
    return c.on_time / c.dossiers if c.dossiers else None


def online_rates(scope: Scope, year: int) -> dict[dt.date, tuple[int, int]]:
    """Month → (received online, received), from the flows."""
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    return {row["month"]: (row["online"] or 0, row["received"] or 0)
            for row in FlowRollup.objects.filter(in_scope(scope)).filter(month__in=months)
            .values("month").annotate(online=Sum("received_online"),
                                      received=Sum("received")).order_by()}


@dataclass(frozen=True)
class Unscored:
    """An indicator of a group without a score, and why: nothing to judge in the period (its
    denominator is 0), or data not collected yet (`fields`: what it waits for)."""

    name: str
    no_data: bool
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupView:
    group: GroupScore
    unscored: tuple[Unscored, ...]  # its indicators without a score, and why

    @property
    def no_data(self) -> bool:
        """Some indicator of the group waits for data (else: nothing to judge)."""
        return any(u.no_data for u in self.unscored)


def group_views(result: Index) -> list[GroupView]:
    """Each group with its indicators that have no score, and why."""
    out = []
    for g in result.groups:
        unscored = tuple(
            Unscored(f"{s.indicator.code} {s.indicator.name}", s.status == NO_DATA, s.missing)
            for s in result.scores
            if s.indicator.group == g.group.code and s.score is None)
        out.append(GroupView(g, unscored))
    return out
