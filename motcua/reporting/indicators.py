"""The Decision 766 index (DOMAIN.md §5), written once as data: its six groups, its
indicators and the formula of each. The API, the rollups' readers and the dashboard read this
registry; nothing else states a maximum, a cap or a rule.

Pure module: no database. An indicator's `measure` takes the scope's `Counters` for a period
and gives its numerator and denominator; `evaluate` turns them into a score:

- `max × ratio`, or with a cap `min(max, max × ratio / full_at)` (full marks at `full_at`);
- when the denominator is 0, the indicator's `empty` rule: full marks (5.1, 5.2), zero
  (5.3 without dossiers), or no score at all (NO_SCORE: "nothing to judge", never invented);
- when a counter is None, the data it needs is not collected yet (a later capability fills
  it: `needs` names the fields): "no data", never a made-up score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Groups (DOMAIN.md §5: the six the national portal scores and shows).
TRANSPARENCY, PROGRESS, ONLINE = "transparency", "progress", "online_service"
PAYMENT, DIGITIZATION, SATISFACTION = "online_payment", "digitization", "satisfaction"


@dataclass(frozen=True)
class Group:
    code: str
    name: Promise
    max_score: float  # as published; the registry's indicators must add up to it


GROUPS: tuple[Group, ...] = (
    Group(TRANSPARENCY, _("Transparency"), 18),
    Group(PROGRESS, _("Progress of handling"), 20),
    Group(ONLINE, _("Online service"), 12),
    Group(PAYMENT, _("Online payment"), 10),
    Group(DIGITIZATION, _("Digitization"), 22),
    Group(SATISFACTION, _("Satisfaction"), 18),
)
TOTAL_MAX = 100
# "The total ranks units: 90–100 excellent, below 50 weak" (DOMAIN.md §5); nothing is said of
# the scores between, so they get no class.
EXCELLENT_FROM, WEAK_BELOW = 90, 50


# --- the counters an indicator reads -------------------------------------------------------


@dataclass(frozen=True)
class DossierCounts:
    """What the dossiers of a scope did in a period (the rollups, or the reference
    recomputation from the raw dossiers): received in the period, carried over into it,
    finished in it by timeliness, still open at its end (or now) and in time."""

    received: int = 0
    carried_over: int = 0
    ended_early: int = 0
    ended_on_time: int = 0
    ended_late: int = 0
    open_in_time: int = 0
    received_counter: int = 0
    received_online: int = 0
    received_postal: int = 0
    reused: int = 0  # received with a component reused from digitized data
    identified: int = 0  # received, identified by population data or a VNeID account (4.5b)
    synced: int = 0  # received, synced to the national portal (1.4)
    stored: int = 0  # received, with a component from / result to the national store (4.4)
    online_paper_only: int = 0  # received online, given a written result not signed (3.3)
    processing_seconds: int = 0  # working time of those finished, pauses deducted
    results_due: int = 0  # finished with a result that is a written document (4.1, 4.2)
    results_signed: int = 0  # … with a signed electronic result (4.1)
    results_digitized: int = 0  # … digitized, components and result (4.2)

    def __add__(self, other: DossierCounts) -> DossierCounts:
        return DossierCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                                for f in fields(self)})

    @property
    def dossiers(self) -> int:
        """Received in the period plus carried over: 2.1's denominator."""
        return self.received + self.carried_over

    @property
    def ended(self) -> int:
        return self.ended_early + self.ended_on_time + self.ended_late

    @property
    def on_time(self) -> int:
        """Finished early or on time, plus unfinished and still in time: 2.1's numerator."""
        return self.ended_early + self.ended_on_time + self.open_in_time

    @property
    def open_overdue(self) -> int:
        return self.dossiers - self.ended - self.open_in_time


@dataclass(frozen=True)
class Counters:
    """Everything the formulas read for one scope and period. None: not collected yet."""

    dossiers: DossierCounts = field(default_factory=DossierCounts)
    # the catalogue (1.1–1.3: the province's; 3.1, 3.2: the scope's procedures)
    published: int | None = None  # publishing decisions dated in the period (with both dates)
    published_on_time: int | None = None
    to_be_public: int | None = None  # decisions dated in the period, to be made public
    public_on_time: int | None = None
    public_procedures: int | None = None  # in force today
    complete_procedures: int | None = None  # … with all 7 public parts
    scope_procedures: int | None = None  # the scope's procedures in force
    online_procedures: int | None = None  # … offered online (full or partial)
    online_procedures_used: int | None = None  # … with an online dossier in the period
    # 1.4: the scope's dossiers received in the period and synced to the national portal;
    # the dossiers the national reporting system and the portal count for the scope and
    # period (None until a fetch from the portal fills them: SYNC_COUNTS); last year's
    # received dossiers ÷ 12 (a month), ÷ 4 (a quarter), or all (a year): the fallback
    synced: int | None = None
    national_dossiers: int | None = None
    portal_dossiers: int | None = None
    last_year_dossiers: float | None = None
    # filled by later capabilities (Indicator.needs)
    # 3.3: received online, less those given a written result without its electronic one
    online_counted: int | None = None
    paid_online: int | None = None
    payable_dossiers: int | None = None
    fee_procedures_paid_online: int | None = None
    fee_procedures_with_dossiers: int | None = None
    fee_procedures_payable_online: int | None = None
    fee_procedures: int | None = None
    e_result_dossiers: int | None = None  # 4.1: DossierCounts.results_signed
    document_result_dossiers: int | None = None  # 4.1, 4.2: DossierCounts.results_due
    digitized_dossiers: int | None = None  # 4.2: DossierCounts.results_digitized
    store_dossiers: int | None = None  # 4.4: DossierCounts.stored
    population_procedures: int | None = None
    individual_procedures: int | None = None
    population_dossiers: int | None = None  # 4.5b: received, identified
    # 4.6 (when not given full marks): the scope's communes, and those of them that issued a
    # signed electronic certified copy in the period
    communes: int | None = None
    communes_certifying: int | None = None
    petitions: int | None = None
    petitions_in_time: int | None = None
    petitions_satisfied: int | None = None
    complained_dossiers: int | None = None


# --- formulas ------------------------------------------------------------------------------

SCORED = "scored"
FULL_IF_NONE = "full_if_none"  # nothing to judge: full marks (5.1, 5.2)
ZERO_IF_NONE = "zero_if_none"  # nothing to judge: zero (5.3 without dossiers)
NO_SCORE = "no_score"  # nothing to judge and no rule: no score (never invented)
FIXED = "fixed"  # the portal's fixed score (4.6)
NO_DATA = "no_data"  # the data it needs is not collected yet
STATUSES = (SCORED, FULL_IF_NONE, ZERO_IF_NONE, NO_SCORE, FIXED, NO_DATA)


@dataclass(frozen=True)
class Measure:
    numerator: float | None
    denominator: float | None

    @property
    def ratio(self) -> float | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator


MISSING = None  # a measure that cannot be taken: a counter it reads is not collected


def ratio(numerator: int | None, denominator: int | None) -> Measure | None:
    if numerator is None or denominator is None:
        return MISSING
    return Measure(numerator, denominator)


def capped_score(max_score: float, r: float, full_at: float | None) -> float:
    """`max × r`, or `min(max, max × r / full_at)` with a cap; r is kept within [0, 1]."""
    r = min(1.0, max(0.0, r))
    return float(min(max_score, max_score * r / full_at) if full_at else max_score * r)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    group: str
    max_score: float
    measure: Callable[[Counters], Measure | None]
    full_at: float | None = None  # the cap: full marks at this ratio
    empty: str = NO_SCORE  # FULL_IF_NONE | ZERO_IF_NONE | NO_SCORE
    # Fields a later capability fills ("app.Model.field"): until they exist, no data.
    needs: tuple[str, ...] = ()
    # Province-level only: a commune (or agency) takes the province's values (DOMAIN.md §5).
    province_only: bool = False
    # Marked (?) in DOMAIN.md §5: its maximum and cap are configurable
    # (settings.INDEX_UNCONFIRMED_RULES).
    unconfirmed: bool = False
    fixed: float | None = None  # a score every unit gets (4.6), when configured so
    rule: Promise | str = ""  # the ratio and rule in words, for the dashboard


@dataclass(frozen=True)
class Score:
    indicator: Indicator
    numerator: float | None
    denominator: float | None
    ratio: float | None
    score: float | None
    status: str

    @property
    def missing(self) -> tuple[str, ...]:
        return self.indicator.needs if self.status == NO_DATA else ()


def evaluate(indicator: Indicator, counters: Counters) -> Score:
    if indicator.fixed is not None:
        return Score(indicator, None, None, None, indicator.fixed, FIXED)
    measure = indicator.measure(counters)
    if measure is None:
        return Score(indicator, None, None, None, None, NO_DATA)
    r = measure.ratio
    if r is None:  # nothing to judge
        score = {FULL_IF_NONE: indicator.max_score, ZERO_IF_NONE: 0.0}.get(indicator.empty)
        return Score(indicator, measure.numerator, measure.denominator, None, score,
                     indicator.empty)
    return Score(indicator, measure.numerator, measure.denominator, r,
                 capped_score(indicator.max_score, r, indicator.full_at), SCORED)


# --- the measures --------------------------------------------------------------------------


def dossier_sync(c: Counters) -> Measure | None:
    """1.4: synced / max(dossiers in the national reporting system, on the portal); with
    neither, last year's total ÷ 12 for a month, ÷ 4 for a quarter (a year: the total)."""
    if c.synced is None:
        return MISSING
    known = [n for n in (c.national_dossiers, c.portal_dossiers) if n]
    if known:
        return Measure(c.synced, max(known))
    if c.last_year_dossiers is None:
        return MISSING
    return Measure(c.synced, c.last_year_dossiers)  # already divided by the period's parts


def online_filing(c: Counters) -> Measure | None:
    """3.3: (online dossiers / received) × the sync rate (1.4's ratio); an online dossier
    counts only with an electronic result where the procedure gives a paper one."""
    sync = dossier_sync(c)
    if sync is None or c.online_counted is None:
        return MISSING
    if not c.dossiers.received or sync.ratio is None:
        return Measure(0, 0)
    return Measure(c.online_counted * min(1.0, sync.ratio), c.dossiers.received)


def dossier_satisfaction(c: Counters) -> Measure | None:
    """5.3: 1 − (late rate + complained or disliked rate); 0 without dossiers."""
    total = c.dossiers.dossiers
    if not total:
        return Measure(0, 0)
    if c.complained_dossiers is None:
        return MISSING
    late = total - c.dossiers.on_time
    return Measure(max(0, total - late - c.complained_dossiers), total)


# What a later fetch from the national portal fills: the dossiers its reporting system and the
# portal count per unit and period (1.4's preferred denominator). Until then 1.4 divides by
# last year's share, so it is not "no data": these are not `needs`.
SYNC_COUNTS = ("integration.NationalCount.reporting_system", "integration.NationalCount.portal")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("1.1", _("Procedures published on time"), TRANSPARENCY, 6,
              lambda c: ratio(c.published_on_time, c.published), province_only=True,
              rule=_("publishing decisions issued at least 5 working days before the legal "
                     "effect / decisions issued")),
    Indicator("1.2", _("Procedures made public on time"), TRANSPARENCY, 4,
              lambda c: ratio(c.public_on_time, c.to_be_public), province_only=True,
              rule=_("made public in the national database within 5 working days of the "
                     "decision / to be made public")),
    Indicator("1.3", _("Full public content of procedures"), TRANSPARENCY, 2,
              lambda c: ratio(c.complete_procedures, c.public_procedures), province_only=True,
              rule=_("procedures with all 7 public parts / public procedures, today")),
    Indicator("1.4", _("Dossiers synced to the national portal"), TRANSPARENCY, 6,
              dossier_sync,
              rule=_("synced / max(dossiers in the national reporting system, dossiers on "
                     "the portal); with neither, last year's total ÷ 12 (month) or ÷ 4 "
                     "(quarter)")),
    Indicator("2.1", _("Dossiers handled on time"), PROGRESS, 20,
              lambda c: Measure(c.dossiers.on_time, c.dossiers.dossiers),
              rule=_("finished early or on time + unfinished still in time / received in "
                     "the period + carried over; more than one supplement request counts "
                     "late")),
    Indicator("3.1", _("Procedures offered online"), ONLINE, 2,
              lambda c: ratio(c.online_procedures, c.scope_procedures), full_at=0.8,
              unconfirmed=True, rule=_("procedures offered online / procedures; full marks "
                                       "at 80 %")),
    Indicator("3.2", _("Online services with at least one online dossier"), ONLINE, 4,
              lambda c: ratio(c.online_procedures_used, c.online_procedures), unconfirmed=True,
              rule=_("online services with at least one online dossier in the period / "
                     "online services")),
    Indicator("3.3", _("Dossiers filed online"), ONLINE, 6, online_filing, full_at=0.5,
              unconfirmed=True,
              rule=_("(online dossiers / received) × sync rate; full marks at 50 %; an online "
                     "dossier given a written result counts only with its signed electronic "
                     "result")),
    Indicator("3.6", _("Dossiers paid online"), PAYMENT, 6,
              lambda c: ratio(c.paid_online, c.payable_dossiers),
              rule=_("dossiers paid online / dossiers with a financial obligation (fees not "
                     "all zero)")),
    Indicator("3.5", _("Fee-bearing procedures with an online payment"), PAYMENT, 2,
              lambda c: ratio(c.fee_procedures_paid_online, c.fee_procedures_with_dossiers),
              full_at=0.8,
              rule=_("fee-bearing procedures with a successful online payment / fee-bearing "
                     "procedures with dossiers; full marks at 80 %")),
    Indicator("3.4", _("Fee-bearing procedures payable online"), PAYMENT, 2,
              lambda c: ratio(c.fee_procedures_payable_online, c.fee_procedures), full_at=0.8,
              rule=_("fee-bearing procedures offering online payment / fee-bearing "
                     "procedures; full marks at 80 %")),
    Indicator("4.1", _("Dossiers with a signed electronic result"), DIGITIZATION, 6,
              lambda c: ratio(c.e_result_dossiers, c.document_result_dossiers),
              rule=_("dossiers finished in the period with a signed electronic result / "
                     "dossiers finished with a result that is a written document")),
    Indicator("4.2", _("Dossiers digitized (components and result)"), DIGITIZATION, 4,
              lambda c: ratio(c.digitized_dossiers, c.document_result_dossiers),
              rule=_("dossiers finished in the period whose paper components and result are "
                     "digitized and signed / dossiers finished with a written result")),
    Indicator("4.3", _("Dossiers reusing digitized data"), DIGITIZATION, 2,
              lambda c: Measure(c.dossiers.reused, c.dossiers.received), full_at=0.8,
              rule=_("dossiers received with a component reused from digitized data / "
                     "dossiers received; full marks at 80 %")),
    Indicator("4.4", _("Components from or results to the national personal data store"),
              DIGITIZATION, 4,
              lambda c: ratio(c.store_dossiers, c.dossiers.received), unconfirmed=True,
              rule=_("dossiers with a component from, or a result sent to, the national "
                     "personal data store / dossiers")),
    Indicator("4.5a", _("Procedures for individuals using population data"), DIGITIZATION, 2,
              lambda c: ratio(c.population_procedures, c.individual_procedures),
              rule=_("procedures for individuals taking a component from the population "
                     "database / procedures for individuals (communes: commune-level "
                     "procedures)")),
    Indicator("4.5b", _("Dossiers using population data or VNeID-verified accounts"),
              DIGITIZATION, 2,
              lambda c: ratio(c.population_dossiers, c.dossiers.received
                              if c.population_dossiers is not None else None),
              rule=_("dossiers using population data or a VNeID-verified account / dossiers")),
    Indicator("4.6", _("Electronic certified copies"), DIGITIZATION, 2,
              lambda c: ratio(c.communes_certifying, c.communes), unconfirmed=True,
              rule=_("the national portal currently gives every unit full marks; otherwise "
                     "communes that issued an electronic certified copy in the period / "
                     "communes")),
    Indicator("5.1", _("Petitions handled in time"), SATISFACTION, 6,
              lambda c: ratio(c.petitions_in_time, c.petitions), empty=FULL_IF_NONE,
              rule=_("petitions handled within 15 working days (2 to refuse, 5 to ask for "
                     "more), counting those still within their deadline; full marks if none")),
    Indicator("5.2", _("Petitions handled to satisfaction"), SATISFACTION, 6,
              lambda c: ratio(c.petitions_satisfied, c.petitions), empty=FULL_IF_NONE,
              rule=_("petitions not disliked, not repeated, not late / petitions; full marks "
                     "if none")),
    Indicator("5.3", _("Satisfaction with dossier handling"), SATISFACTION, 6,
              dossier_satisfaction, full_at=0.9, empty=ZERO_IF_NONE,
              rule=_("1 − (late rate + complained or disliked rate); full marks at 90 %; 0 "
                     "without dossiers")),
)


def registry(overrides: Mapping[str, Mapping[str, Any]] | None = None, *,
             certified_copies_full_marks: bool = True) -> tuple[Indicator, ...]:
    """The indicators with the deployment's settings applied: the maximum and cap of the
    unconfirmed ones (`overrides`: code → {"max_score", "full_at"}), and 4.6's fixed score."""
    overrides = overrides or {}
    known = {i.code: i for i in INDICATORS}
    for code, change in overrides.items():
        indicator = known.get(code)
        if indicator is None or not indicator.unconfirmed:
            raise ValueError(f"indicator {code!r} is not an unconfirmed one of DOMAIN.md §5")
        if set(change) - {"max_score", "full_at"}:
            raise ValueError(f"indicator {code!r}: only max_score and full_at may be changed")
    result = []
    for indicator in INDICATORS:
        change = dict(overrides.get(indicator.code, {}))
        if indicator.code == "4.6" and certified_copies_full_marks:
            change["fixed"] = float(change.get("max_score", indicator.max_score))
        result.append(replace(indicator, **change) if change else indicator)
    return tuple(result)


def group_of(code: str) -> Group:
    return next(g for g in GROUPS if g.code == code)


def classify(total: float | None) -> str:
    """"excellent" from 90, "weak" below 50, else "" (DOMAIN.md §5 names no other class)."""
    if total is None:
        return ""
    if total >= EXCELLENT_FROM:
        return "excellent"
    return "weak" if total < WEAK_BELOW else ""
