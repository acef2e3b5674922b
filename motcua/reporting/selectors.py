"""Reads of the index: a scope's counters for a period, its scores, the ranking of units.

Dossier counters come from the rollups only (never the raw dossiers), so that the whole
province's index costs a fixed number of queries over a few rows per agency and month:

- flows of the period's months (received, finished early / on time / late, ...);
- balances of the months before the instant of evaluation t (the period's end, or just after
  now): received before t minus ended before the period's start = received in the period +
  carried over; received before t minus no longer in time before t = unfinished and in time
  at t. For a period still running, the dossiers that stopped being in time earlier in the
  current month come from the facts' `stop_at` index (a range of one month at most).

The catalogue counters (1.1–1.3, 3.1, 3.2, 4.5a) are read from the catalogue as it is; 1.1–1.3
are the province's whatever the unit (DOMAIN.md §5), restricted to a sector when one is chosen.
The satisfaction group's (5.1–5.3) come from `satisfaction_selectors`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    ComponentRequirement,
    Level,
    NationalSource,
    Procedure,
    ProcedureVersion,
    Sector,
)
from motcua.catalog.selectors import in_force_on
from motcua.core.errors import InvalidInput
from motcua.dossiers.models import ApplicantKind
from motcua.org.models import AdministrativeUnit, Agency
from motcua.records import certified
from motcua.reporting import indicators
from motcua.reporting.facts import FLOW_COUNTERS
from motcua.reporting.indicators import GROUPS, Counters, DossierCounts, Group, Indicator, Score
from motcua.reporting.models import AgencyMonth, BalanceRollup, DossierFact, FlowRollup
from motcua.reporting.payments import PaymentRead, read_payments
from motcua.reporting.periods import Period, month_of, month_start, next_month
from motcua.reporting.satisfaction_selectors import read_satisfaction, with_satisfaction
from motcua.workcalendar.rules import TZ, WorkCalendar
from motcua.workcalendar.service import get_calendar

PROVINCE, COMMUNE, AGENCY, SECTOR = "province", "commune", "agency", "sector"
SCOPE_KINDS = (PROVINCE, COMMUNE, AGENCY, SECTOR)
COMMUNE_LEVELS = (Level.COMMUNE, Level.BOTH)


@dataclass(frozen=True)
class Scope:
    """Whose index: the province, a commune (its agencies), an agency, or the province's
    dossiers of one sector; any of them restricted to a sector."""

    kind: str
    code: str
    name: str
    agency_ids: frozenset[int] | None = None  # None: every agency of the deployment
    sector_id: int | None = None
    sector_name: str = ""
    unit_id: int | None = None  # the province or commune


def indicator_registry() -> tuple[Indicator, ...]:
    """The indicators with the deployment's settings (settings.INDEX_*)."""
    return indicators.registry(settings.INDEX_UNCONFIRMED_RULES,
                               certified_copies_full_marks=settings.INDEX_CERTIFIED_COPIES_FULL)


# --- scopes --------------------------------------------------------------------------------


def province_unit() -> AdministrativeUnit | None:
    """The deployment's province (one deployment serves one province, DESIGN.md): the one
    whose agencies, or whose communes' agencies, exist (the units table lists all 34)."""
    provinces = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
    return provinces.filter(Q(agencies__isnull=False) | Q(children__agencies__isnull=False)) \
        .order_by("code").first() or provinces.order_by("code").first()


def resolve_scope(root: str | None = None, sector_id: int | None = None) -> Scope:
    """The scope named by the portal's `rootDepartmentId` (an agency's identifier code, old
    codes included, or a province's or commune's code; none: the province) and a sector."""
    sector = None
    if sector_id is not None:
        sector = Sector.objects.filter(pk=sector_id).first()
        if sector is None:
            raise InvalidInput(_("Unknown sector."), code="sectorId", field="sectorId")
    sid, sname = (sector.pk, sector.name) if sector is not None else (None, "")
    root = (root or "").strip()
    if not root:
        province = province_unit()
        if sector is not None:
            return Scope(SECTOR, str(sector.pk), sector.name, None, sid, sname,
                         province.pk if province else None)
        return Scope(PROVINCE, province.code if province else "",
                     province.name if province else "", None, sid, sname,
                     province.pk if province else None)
    agency = Agency.objects.filter(code=root).select_related("unit").first()
    if agency is None and not root.isdigit():
        agency = Agency.objects.filter(code_history__old_code=root).select_related("unit") \
            .order_by("-code_history__changed_at").first()
    if agency is not None:
        return Scope(AGENCY, agency.code, agency.name, frozenset({agency.pk}), sid, sname,
                     agency.unit_id)
    unit = AdministrativeUnit.objects.filter(code=root).first()
    if unit is None:
        raise InvalidInput(
            _("No agency or administrative unit has the code %(code)s.") % {"code": root},
            code="rootDepartmentId", field="rootDepartmentId")
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        communal = frozenset(Agency.objects.filter(unit=unit).values_list("pk", flat=True))
        return Scope(COMMUNE, unit.code, unit.name, communal, sid, sname, unit.pk)
    ids: frozenset[int] | None = None  # the deployment's only province: every agency
    if AdministrativeUnit.objects.filter(level=unit.level).exclude(pk=unit.pk).exists():
        ids = frozenset(Agency.objects.filter(Q(unit=unit) | Q(unit__parent=unit))
                        .values_list("pk", flat=True))
    kind = PROVINCE if sector is None else SECTOR
    code, name = (unit.code, unit.name) if sector is None else (str(sector.pk), sector.name)
    return Scope(kind, code, name, ids, sid, sname, unit.pk)


# --- dossier counters from the rollups -----------------------------------------------------


def _agencies(qs_filter: Q, agency_ids: Iterable[int] | None, sector_id: int | None) -> Q:
    condition = qs_filter
    if agency_ids is not None:
        condition &= Q(agency_id__in=sorted(agency_ids))
    if sector_id is not None:
        condition &= Q(sector_id=sector_id)
    return condition


def in_scope(scope: Scope, condition: Q | None = None) -> Q:
    """`condition` on a fact's or rollup's rows, restricted to the scope's agencies and
    sector."""
    return _agencies(condition if condition is not None else Q(), scope.agency_ids,
                     scope.sector_id)


@dataclass
class RollupRead:
    """What the rollups say of a period, per agency."""

    counts: dict[int, DossierCounts] = field(default_factory=dict)
    online_used: dict[int, set[int]] = field(default_factory=dict)  # agency → procedures
    handled: dict[int, set[int]] = field(default_factory=dict)  # agency → procedures, ever
    last_year: dict[int, int] = field(default_factory=dict)  # agency → received last year

    def last_year_share(self, period: Period, agency_ids: Iterable[int] | None) -> float:
        """1.4's fallback denominator: the agencies' (None: all) dossiers received in the
        year before the period's, ÷ 12 for a month, ÷ 4 for a quarter, all for a year."""
        ids = self.last_year if agency_ids is None else agency_ids
        return sum(self.last_year.get(a, 0) for a in ids) / period.parts_of_year


AGENCY_KEY, SECTOR_KEY = "agency_id", "sector_id"
CountsKey = tuple[int, ...]


def read_counts(period: Period, now: dt.datetime, *, agency_ids: Iterable[int] | None = None,
                sector_id: int | None = None, by: tuple[str, ...] = (AGENCY_KEY,)
                ) -> dict[CountsKey, DossierCounts]:
    """The dossier counters of `period` judged at `now`, grouped `by` the handling agency
    and/or the sector (AGENCY_KEY, SECTOR_KEY), of the agencies of `agency_ids` (default
    all). A fixed number of queries over the rollups, whatever the grouping."""
    ids = sorted(agency_ids) if agency_ids is not None else None
    t = period.evaluated_at(now)
    t_month = month_of(t)
    on_boundary = t == month_start(t_month)
    received_bound = t_month if on_boundary else next_month(t_month)
    # Without a sector, per agency: the agency's monthly totals, a row per agency and month.
    per_agency = sector_id is None and by == (AGENCY_KEY,)
    flow_table: type[FlowRollup] | type[AgencyMonth] = AgencyMonth if per_agency \
        else FlowRollup
    balance_table: type[BalanceRollup] | type[AgencyMonth] = AgencyMonth if per_agency \
        else BalanceRollup
    flows = flow_table.objects.filter(_agencies(Q(month__in=period.months), ids, sector_id)) \
        .values(*by).annotate(**{name: Sum(name) for name in FLOW_COUNTERS}).order_by()
    flow_by_key = {tuple(row.pop(k) for k in by): row for row in flows}
    balances = balance_table.objects.filter(_agencies(Q(month__lt=received_bound), ids,
                                                      sector_id)) \
        .values(*by).annotate(
            received=Sum("received"),
            ended_before=Sum("ended", filter=Q(month__lt=period.first_month)),
            stopped_before=Sum("stopped", filter=Q(month__lt=t_month))).order_by()
    partial: dict[CountsKey, int] = {}
    if not on_boundary:  # the current month: those no longer in time before t
        partial = {tuple(row[k] for k in by): row["n"] for row in DossierFact.objects.filter(
            _agencies(Q(stop_at__gte=month_start(t_month), stop_at__lt=t), ids, sector_id))
            .values(*by).annotate(n=Count("pk")).order_by()}
    out: dict[CountsKey, DossierCounts] = {}
    for row in balances:
        key = tuple(row[k] for k in by)
        flow = {k: v or 0 for k, v in flow_by_key.get(key, {}).items()}
        received_before_t = row["received"] or 0
        dossiers = received_before_t - (row["ended_before"] or 0)
        in_time = received_before_t - (row["stopped_before"] or 0) - partial.get(key, 0)
        received = flow.pop("received", 0)
        out[key] = DossierCounts(received=received, carried_over=dossiers - received,
                                 open_in_time=in_time, **flow)
    return out


def read_rollups(period: Period, now: dt.datetime, *, agency_ids: Iterable[int] | None = None,
                 sector_id: int | None = None, handled_by: Iterable[int] | None = None
                 ) -> RollupRead:
    """The dossier counters of `period` judged at `now`, per handling agency (those of
    `agency_ids`, default all), which procedures each agency had online dossiers of in the
    period, and each agency's dossiers received in the year before (1.4); `handled_by`: the
    agencies whose procedures handled up to then are wanted too."""
    ids = sorted(agency_ids) if agency_ids is not None else None
    t = period.evaluated_at(now)
    t_month = month_of(t)
    received_bound = t_month if t == month_start(t_month) else next_month(t_month)
    out = RollupRead()
    out.counts = {key[0]: c for key, c in read_counts(period, now, agency_ids=ids,
                                                     sector_id=sector_id).items()}
    for agency, procedure in FlowRollup.objects.filter(
            _agencies(Q(month__in=period.months, received_online__gt=0), ids, sector_id)) \
            .values_list("agency_id", "procedure_id").distinct().order_by():
        out.online_used.setdefault(agency, set()).add(procedure)
    flow_table: type[FlowRollup] | type[AgencyMonth] = AgencyMonth if sector_id is None \
        else FlowRollup
    out.last_year = {agency: n or 0 for agency, n in flow_table.objects.filter(
        _agencies(Q(month__in=period.previous_year().months), ids, sector_id))
        .values("agency_id").annotate(n=Sum("received")).values_list("agency_id", "n")
        .order_by()}
    if handled_by is not None:
        for agency, procedure in FlowRollup.objects.filter(
                _agencies(Q(month__lt=received_bound), sorted(handled_by), sector_id)) \
                .values_list("agency_id", "procedure_id").distinct().order_by():
            out.handled.setdefault(agency, set()).add(procedure)
    return out


@dataclass(frozen=True)
class ProcedureTime:
    """2.2 for one procedure: its dossiers finished in the period and their average working
    time from receipt to end, supplement time deducted (shown, not scored)."""

    procedure_id: int
    code: str | None
    name: str
    ended: int
    average_days: float


def processing_times(scope: Scope, period: Period) -> list[ProcedureTime]:
    per_day = get_calendar().rules.working_seconds_per_day
    rows = FlowRollup.objects.filter(_agencies(Q(month__in=period.months), scope.agency_ids,
                                               scope.sector_id)) \
        .values("procedure_id") \
        .annotate(early=Sum("ended_early"), on_time=Sum("ended_on_time"),
                  late=Sum("ended_late"), seconds=Sum("processing_seconds")).order_by()
    # grouped by id alone, the names read once for the procedures found
    ended = {row["procedure_id"]: ((row["early"] or 0) + (row["on_time"] or 0)
                                   + (row["late"] or 0), row["seconds"] or 0) for row in rows}
    names = Procedure.objects.filter(pk__in=[p for p, (n, _s) in ended.items() if n]) \
        .order_by("code", "pk").values_list("pk", "code", "name")
    return [ProcedureTime(pk, code, name, ended[pk][0], ended[pk][1] / ended[pk][0] / per_day)
            for pk, code, name in names]


def total(counts: Iterable[DossierCounts]) -> DossierCounts:
    result = DossierCounts()
    for c in counts:
        result = result + c
    return result


# --- the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogProcedure:
    id: int
    sector_id: int
    level: str
    online: bool
    complete: bool  # all 7 public parts (DOMAIN.md §3)
    individual: bool = False  # open to individuals (no applicant types named, or persons)
    population: bool = False  # a component taken from the national population database


def procedures_in_force(day: dt.date) -> dict[int, CatalogProcedure]:
    """The active procedures with a version in force on `day` (its latest)."""
    versions = ProcedureVersion.objects.filter(in_force_on(day), procedure__is_active=True) \
        .annotate(has_components=Exists(ComponentRequirement.objects.filter(
            version_id=OuterRef("pk"))), uses_population=Exists(
            ComponentRequirement.objects.filter(version_id=OuterRef("pk"),
                                                national_source=NationalSource.POPULATION))) \
        .order_by("procedure_id", "-effective_from", "-number").values(
            "procedure_id", "procedure__sector_id", "procedure__level", "online_level", "name",
            "steps", "method", "duration_value", "duration_unit", "duration_text",
            "duration_cases", "applicant_types", "implementing_agency", "competent_agency",
            "has_components", "uses_population")
    found: dict[int, CatalogProcedure] = {}
    for v in versions:
        if v["procedure_id"] in found:
            continue
        found[v["procedure_id"]] = CatalogProcedure(
            v["procedure_id"], v["procedure__sector_id"], v["procedure__level"],
            v["online_level"] in ("full", "partial"), not missing_public_parts(v),
            individual=for_individuals(v["applicant_types"]),
            population=v["uses_population"])
    return found


def for_individuals(applicant_types: list[str] | None) -> bool:
    """4.5a's "procedures for individuals": open to persons (an empty list restricts no one)."""
    return not applicant_types or ApplicantKind.PERSON in applicant_types


def missing_public_parts(version: Mapping[str, object]) -> list[str]:
    """Which of the 7 mandatory public parts (DOMAIN.md §3: name, sequence of steps, method,
    components, duration, applicant, agency) a version lacks."""
    def filled(*names: str) -> bool:
        return any(bool(str(version.get(n) or "").strip()) and version.get(n) not in ([], {})
                   for n in names)

    duration = (version.get("duration_value") and version.get("duration_unit")) or filled(
        "duration_text", "duration_cases")
    parts = {"name": filled("name"), "steps": filled("steps"), "method": filled("method"),
             "components": bool(version.get("has_components")), "duration": bool(duration),
             "applicant": filled("applicant_types"),
             "agency": filled("implementing_agency", "competent_agency")}
    return [name for name, ok in parts.items() if not ok]


def working_days_from(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n > 0) or before it (n < 0)."""
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        if calendar.is_working_day(day):
            left -= 1
    return day


@dataclass(frozen=True)
class Publication:
    published: int
    published_on_time: int
    to_be_public: int
    public_on_time: int


def publication(period: Period, sector_id: int | None) -> Publication:
    """1.1 and 1.2 over the publishing decisions dated in the period: issued at least
    INDEX_PUBLISH_LEAD_WORKING_DAYS working days before the legal effect; made public in the
    national database within INDEX_MADE_PUBLIC_WORKING_DAYS working days of the decision. A
    decision without the legal effective date cannot be judged for 1.1 and is left out."""
    calendar = get_calendar()
    lead, within = settings.INDEX_PUBLISH_LEAD_WORKING_DAYS, settings.INDEX_MADE_PUBLIC_WORKING_DAYS
    versions = ProcedureVersion.objects.filter(decision_date__gte=period.first_day,
                                               decision_date__lte=period.last_day)
    if sector_id is not None:
        versions = versions.filter(procedure__sector_id=sector_id)
    published = published_on_time = to_be_public = public_on_time = 0
    for decided, effective, made_public in versions.values_list(
            "decision_date", "legal_effective_date", "made_public_at"):
        if decided is None:  # not in the filter's range: never
            continue
        to_be_public += 1
        if made_public is not None and made_public <= working_days_from(calendar, decided,
                                                                        within):
            public_on_time += 1
        if effective is not None:
            published += 1
            if decided <= working_days_from(calendar, effective, -lead):
                published_on_time += 1
    return Publication(published, published_on_time, to_be_public, public_on_time)


# --- the index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupScore:
    group: Group
    score: float | None  # None: no indicator of the group has a score
    max_score: float
    available_max: float  # the maxima of its indicators with a score


@dataclass(frozen=True)
class Index:
    scope: Scope
    period: Period
    evaluated_at: dt.datetime
    counters: Counters
    scores: tuple[Score, ...]
    groups: tuple[GroupScore, ...]

    @property
    def total(self) -> float | None:
        known = [g.score for g in self.groups if g.score is not None]
        return sum(known) if known else None

    @property
    def max_score(self) -> float:
        return sum(g.max_score for g in self.groups)

    @property
    def available_max(self) -> float:
        return sum(g.available_max for g in self.groups)

    @property
    def average_processing_days(self) -> float | None:
        """2.2 (shown, not scored): working days from receipt to end, supplement time
        deducted, of the dossiers finished in the period."""
        c = self.counters.dossiers
        if not c.ended:
            return None
        per_day = get_calendar().rules.working_seconds_per_day
        return c.processing_seconds / c.ended / per_day


def score_all(counters: Counters, registry: tuple[Indicator, ...]
              ) -> tuple[tuple[Score, ...], tuple[GroupScore, ...]]:
    scores = tuple(indicators.evaluate(i, counters) for i in registry)
    groups = []
    for group in GROUPS:
        members = [s for s in scores if s.indicator.group == group.code]
        known = [s for s in members if s.score is not None]
        groups.append(GroupScore(
            group, sum(s.score for s in known if s.score is not None) if known else None,
            sum(s.indicator.max_score for s in members),
            sum(s.indicator.max_score for s in known)))
    return scores, tuple(groups)


@dataclass(frozen=True)
class CatalogRead:
    """The catalogue as the period's scopes read it, read once (a sector's when chosen):
    sets of procedure ids, so that scoring many units costs set operations only."""

    in_force: frozenset[int]  # in force on the day the period is judged
    online: frozenset[int]  # … offered online
    communal: frozenset[int]  # … of the commune level (commune or both)
    individual: frozenset[int]  # … open to individuals
    population: frozenset[int]  # … of those, taking a component from the population database
    public: int  # in force today (1.3)
    complete: int  # … with all 7 public parts
    publication: Publication


def read_catalog(period: Period, now: dt.datetime, sector_id: int | None) -> CatalogRead:
    day = (period.evaluated_at(now) - dt.timedelta(microseconds=1)).astimezone(TZ).date()
    today = now.astimezone(TZ).date()
    at_end = [p for p in procedures_in_force(day).values()
              if sector_id is None or p.sector_id == sector_id]
    public = at_end if day == today else [
        p for p in procedures_in_force(today).values()
        if sector_id is None or p.sector_id == sector_id]
    return CatalogRead(
        in_force=frozenset(p.id for p in at_end),
        online=frozenset(p.id for p in at_end if p.online),
        communal=frozenset(p.id for p in at_end if p.level in COMMUNE_LEVELS),
        individual=frozenset(p.id for p in at_end if p.individual),
        population=frozenset(p.id for p in at_end if p.individual and p.population),
        public=len(public), complete=sum(p.complete for p in public),
        publication=publication(period, sector_id))


def certifying_communes(period: Period, now: dt.datetime) -> set[int] | None:
    """4.6: the communes that issued a signed electronic certified copy in the period; None
    when the index gives every unit full marks (settings.INDEX_CERTIFIED_COPIES_FULL)."""
    if settings.INDEX_CERTIFIED_COPIES_FULL:
        return None
    return certified.communes_certified(period.start, period.evaluated_at(now))


def communes_of(agency_ids: Iterable[int] | None) -> frozenset[int]:
    """The communes (unit ids) of the agencies (None: all) that are a commune's."""
    agencies = Agency.objects.filter(unit__level=AdministrativeUnit.Level.COMMUNE)
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted(agency_ids))
    return frozenset(agencies.values_list("unit_id", flat=True).distinct())


def counters_for(scope: Scope, dossiers: DossierCounts, catalog: CatalogRead,
                 online_used: set[int], handled: set[int] | None,
                 payments: PaymentRead | None = None, last_year: float | None = None,
                 communes: frozenset[int] = frozenset(), certifying: set[int] | None = None
                 ) -> Counters:
    """The scope's counters. Its procedures: the province's (a sector's), a commune's
    commune-level ones, or those an agency handled dossiers of (`handled`). `last_year`:
    1.4's fallback denominator (`RollupRead.last_year_share`); the national counts are not
    fetched yet (indicators.SYNC_COUNTS). `communes`: the scope's, and `certifying`
    (`certifying_communes`) for 4.6."""
    if scope.kind == COMMUNE:
        mine = catalog.communal
    elif scope.kind == AGENCY:
        mine = catalog.in_force & (handled or set())
    else:
        mine = catalog.in_force
    online = mine & catalog.online
    pub = catalog.publication
    return Counters(
        dossiers=dossiers,
        published=pub.published, published_on_time=pub.published_on_time,
        to_be_public=pub.to_be_public, public_on_time=pub.public_on_time,
        public_procedures=catalog.public, complete_procedures=catalog.complete,
        scope_procedures=len(mine), online_procedures=len(online),
        online_procedures_used=len(online & online_used),
        synced=dossiers.synced, last_year_dossiers=last_year,
        individual_procedures=len(mine & catalog.individual),
        population_procedures=len(mine & catalog.population),
        online_counted=dossiers.received_online - dossiers.online_paper_only,
        e_result_dossiers=dossiers.results_signed, document_result_dossiers=dossiers.results_due,
        digitized_dossiers=dossiers.results_digitized, store_dossiers=dossiers.stored,
        population_dossiers=dossiers.identified,
        communes=len(communes) if certifying is not None else None,
        communes_certifying=len(communes & certifying) if certifying is not None else None,
        **(payments.counters(mine, scope.agency_ids) if payments is not None else {}),
    )


def index(scope: Scope, period: Period, *, now: dt.datetime | None = None) -> Index:
    """The scope's index for the period, judged `now` (default: now)."""
    now = now or timezone.now()
    handled_by = scope.agency_ids if scope.kind == AGENCY else None
    read = read_rollups(period, now, agency_ids=scope.agency_ids, sector_id=scope.sector_id,
                        handled_by=handled_by)
    dossiers = total(read.counts.values())
    online_used = set().union(*read.online_used.values()) if read.online_used else set()
    handled = set().union(*read.handled.values()) if read.handled else set()
    certifying = certifying_communes(period, now)
    counters = counters_for(scope, dossiers, read_catalog(period, now, scope.sector_id),
                            online_used, handled if handled_by is not None else None,
                            read_payments(period, now, agency_ids=scope.agency_ids,
                                          sector_id=scope.sector_id),
                            read.last_year_share(period, scope.agency_ids),
                            communes_of(scope.agency_ids) if certifying is not None
                            else frozenset(), certifying)
    satisfied = read_satisfaction(period, now, agency_ids=scope.agency_ids,
                                  sector_id=scope.sector_id)
    counters = with_satisfaction(counters, *satisfied.of(scope.agency_ids))
    scores, groups = score_all(counters, indicator_registry())
    return Index(scope, period, period.evaluated_at(now), counters, scores, groups)


# --- the ranking ---------------------------------------------------------------------------

# Agencies ranked even without a dossier: those that handle procedures.
HANDLING_KINDS = (Agency.Kind.DEPARTMENT, Agency.Kind.COMMUNE_PC, Agency.Kind.SECTOR,
                  Agency.Kind.PROVINCE_PC)


@dataclass(frozen=True)
class Ranked:
    rank: int
    index: Index


def ranking(unit_type: str, period: Period, *, now: dt.datetime | None = None,
            sector_id: int | None = None) -> list[Ranked]:
    """Every commune (`unit_type` COMMUNE) or every agency handling dossiers (AGENCY) of the
    province, by total score, best first; equal totals share a rank. A fixed number of
    queries whatever the number of units."""
    now = now or timezone.now()
    sector = Sector.objects.filter(pk=sector_id).first() if sector_id is not None else None
    sid, sname = (sector.pk, sector.name) if sector is not None else (None, "")
    agencies = list(Agency.objects.filter(is_active=True).select_related("unit")
                    .order_by("code"))
    read = read_rollups(period, now, sector_id=sector_id,
                        handled_by=[a.pk for a in agencies] if unit_type == AGENCY else None)
    catalog = read_catalog(period, now, sector_id)
    satisfied = read_satisfaction(period, now, sector_id=sector_id)
    payments = read_payments(period, now, sector_id=sector_id)
    certifying = certifying_communes(period, now)
    # 4.6, when it is not given full marks: the commune of each agency that is a commune's
    commune_of = {a.pk: a.unit_id for a in agencies
                  if a.unit.level == AdministrativeUnit.Level.COMMUNE} \
        if certifying is not None else {}
    registry = indicator_registry()
    scopes: list[tuple[Scope, set[int] | None]] = []
    if unit_type == AGENCY:
        for a in agencies:
            if a.kind in HANDLING_KINDS or a.pk in read.counts:
                scopes.append((Scope(AGENCY, a.code, a.name, frozenset({a.pk}), sid, sname,
                                     a.unit_id), read.handled.get(a.pk, set())))
    else:
        by_unit: dict[AdministrativeUnit, set[int]] = defaultdict(set)
        for a in agencies:
            if a.unit.level == AdministrativeUnit.Level.COMMUNE:
                by_unit[a.unit].add(a.pk)
        for unit in sorted(by_unit, key=lambda u: u.code):
            scopes.append((Scope(COMMUNE, unit.code, unit.name, frozenset(by_unit[unit]), sid,
                                 sname, unit.pk), None))
    results = []
    for scope, handled in scopes:
        ids = scope.agency_ids or frozenset()
        dossiers = total(read.counts[i] for i in ids if i in read.counts)
        online_used: set[int] = set().union(*(read.online_used.get(i, set()) for i in ids))
        communes = frozenset(commune_of[i] for i in ids if i in commune_of)
        counters = with_satisfaction(counters_for(scope, dossiers, catalog, online_used, handled,
                                                  payments, read.last_year_share(period, ids),
                                                  communes, certifying),
                                     *satisfied.of(ids))
        scores, groups = score_all(counters, registry)
        results.append(Index(scope, period, period.evaluated_at(now), counters, scores,
                             groups))
    results.sort(key=lambda r: (-(r.total or 0.0), r.scope.code))
    ranked: list[Ranked] = []
    for position, result in enumerate(results, start=1):
        same = ranked and round(ranked[-1].index.total or 0.0, 6) == round(result.total or 0.0,
                                                                            6)
        ranked.append(Ranked(ranked[-1].rank if same else position, result))
    return ranked
