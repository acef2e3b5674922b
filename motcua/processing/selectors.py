"""Reads for worklists and step histories. A constant number of queries, whatever the size.

Views of a staff member's worklist (open steps only):
  mine         assigned to me, where I still hold the step's role (or head/lead its agency)
  queue        unassigned, in an agency where I hold the step's role
  due_soon     mine + queue, due within one working day from now (not waiting)
  late         mine + queue past due (not waiting); for heads and leaders, every open step of
               their agencies past due
  waiting      mine + queue waiting for the applicant (supplement, payment)
  handed_over  steps of dossiers handled by my agencies, now at another agency (liên thông)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.formatting import utc_aware
from motcua.dossiers.policy import Involvement
from motcua.org.models import HEADS, Agency, StaffRole, User
from motcua.org.selectors import HeldRole, held_roles
from motcua.processing.models import Process, ProcessRun, StepInstance
from motcua.processing.permissions import allowed_actions, may_act
from motcua.workcalendar import service
from motcua.workcalendar.service import get_calendar

VIEWS = ("mine", "queue", "due_soon", "late", "waiting", "handed_over")
UNIT_VIEWS = ("all", "queue", "assigned", "due_soon", "late", "waiting")
SORTS = {
    "due_at": ("due_at", "id"),
    "-due_at": ("-due_at", "-id"),
    "started_at": ("started_at", "id"),
    "-started_at": ("-started_at", "-id"),
}
NOTHING = Q(pk__lt=0)  # matches no row, without EmptyResultSet in conditional aggregates
# A worklist item is read as one row of values, not as model instances: 50 steps with their
# dossier, procedure, agency and assignee cost ≈ 2 ms less that way (docs/benchmarks.md).
ITEM_FIELDS = (
    "id", "key", "name", "role", "started_at", "due_at", "waiting", "assignee_id",
    "agency__code", "agency__name", "assignee__username", "assignee__full_name",
    "dossier__code", "dossier__status", "dossier__applicant_name", "dossier__due_at",
    "dossier__procedure__code", "dossier__procedure__name",
)


@dataclass(frozen=True)
class Scope:
    """A staff member's active roles, read once per request."""

    user_id: int | None
    by_role: dict[str, list[int]] = field(default_factory=dict)  # role -> agency ids

    @property
    def agencies(self) -> list[int]:
        return sorted({a for ids in self.by_role.values() for a in ids})

    @property
    def head_agencies(self) -> list[int]:
        return sorted({a for r in HEADS for a in self.by_role.get(r, [])})

    def roles_at(self, agency_id: int) -> frozenset[str]:
        return frozenset(r for r, ids in self.by_role.items() if agency_id in ids)


def scope_of(user: Any, held: list[HeldRole] | None = None) -> Scope:
    """The user's roles by role; `held`: as read already in this request."""
    held = held_roles(user) if held is None else held
    if not held and not (getattr(user, "kind", None) == User.Kind.STAFF
                         and getattr(user, "is_active", False)):
        return Scope(None)
    by_role: dict[str, list[int]] = defaultdict(list)
    for role in held:
        by_role[role.role].append(role.agency_id)
    return Scope(user.pk, dict(by_role))


def _any(conditions: list[Q]) -> Q:
    return reduce(or_, conditions) if conditions else NOTHING


def timing_conditions(now: dt.datetime, horizon: dt.datetime) -> dict[str, Q]:
    """A step's timing, the same in every view and count: due by `horizon` (one working day
    ahead, see due_soon_horizon), late, or waiting for the applicant (then neither)."""
    return {
        "due_soon": Q(waiting=False, due_at__gt=now, due_at__lte=horizon),
        "late": Q(waiting=False, due_at__lte=now),
        "waiting": Q(waiting=True),
    }


def timing_of(due_at: dt.datetime, waiting: bool, now: dt.datetime, horizon: dt.datetime
              ) -> str:
    """`timing_conditions` for one step already read: "waiting", "late", "due_soon" or ""."""
    if waiting:
        return "waiting"
    if due_at <= now:
        return "late"
    return "due_soon" if due_at <= horizon else ""


def due_soon_horizon(now: dt.datetime) -> dt.datetime:
    return service.due_soon_horizon(now)


def view_conditions(scope: Scope, now: dt.datetime, horizon: dt.datetime) -> dict[str, Q]:
    """The condition of each worklist view, on open steps."""
    if scope.user_id is None:
        return dict.fromkeys(VIEWS, NOTHING)
    holds_role = _any([Q(role=r, agency_id__in=ids) for r, ids in scope.by_role.items()])
    heads = scope.head_agencies
    can_act = holds_role | Q(agency_id__in=heads) if heads else holds_role
    mine = Q(assignee_id=scope.user_id) & can_act
    queue = Q(assignee__isnull=True) & holds_role
    ours = mine | queue
    timing = timing_conditions(now, horizon)
    agencies = scope.agencies
    return {
        "mine": mine,
        "queue": queue,
        "due_soon": ours & timing["due_soon"],
        "late": (ours | Q(agency_id__in=heads) if heads else ours) & timing["late"],
        "waiting": ours & timing["waiting"],
        "handed_over": Q(handed_over_by_id__in=agencies) if agencies else NOTHING,
    }


def working_day_seconds() -> int:
    return get_calendar().rules.working_seconds_per_day


def _filtered(qs: QuerySet[StepInstance], procedure: str | None, statuses: list[int] | None,
              code: str | None = None) -> QuerySet[StepInstance]:
    """The worklists' filters: procedure, dossier statuses, dossier code (or its beginning,
    as an officer types it from a slip)."""
    if code:
        qs = qs.filter(dossier__code__startswith=code)
    if procedure:
        qs = qs.filter(dossier__procedure__code=procedure)
    if statuses:
        qs = qs.filter(dossier__status__in=statuses)
    return qs


@dataclass
class Page:
    items: list[dict[str, Any]]  # rows of ITEM_FIELDS
    count: int
    counts: dict[str, int]
    extra: dict[str, Any] = field(default_factory=dict)


def _aggregate(steps: QuerySet[StepInstance], conditions: dict[str, Q]) -> dict[str, int]:
    """Filtered counts in one query (aliases prefixed: a field may share a view's name)."""
    row = steps.aggregate(**{f"n_{name}": Count("id", filter=q)
                             for name, q in conditions.items()})
    return {name: row[f"n_{name}"] for name in conditions}


def _count_row(steps: QuerySet[StepInstance], counts: dict[str, Count]) -> QuerySet[Any]:
    """`steps` reduced to one row of `counts`, still lazy (grouped by a constant: no GROUP BY)."""
    row: QuerySet[Any] = steps.order_by().values(one=Value(1)).annotate(**counts).values(*counts)
    return row


def _joined(rows: list[QuerySet[Any]]) -> Statement:
    """Rows of `_count_row` as one statement, a cross join of one-row subqueries."""
    parts: list[str] = []
    params: list[Any] = []
    for i, qs in enumerate(rows):
        sql, row_params = qs.query.sql_with_params()
        parts.append(f"({sql}) AS counts_{i}")
        params.extend(row_params)
    return Statement("SELECT * FROM " + " CROSS JOIN ".join(parts), tuple(params))  # noqa: S608


def _count_rows(open_steps: QuerySet[StepInstance], scope: Scope, conditions: dict[str, Q],
                now: dt.datetime, horizon: dt.datetime) -> list[QuerySet[Any]]:
    """Every view's count in at most four index-only subqueries: the staff member's own steps
    and their queue steps (one each, on the covering partial indexes; one over both, an OR,
    would visit a table page per step), the late steps of the agencies they head, the steps
    handed over by their agencies. `_fold_counts` reads their row."""
    heads = scope.head_agencies
    per_step = timing_conditions(now, horizon)  # on columns of the covering indexes only
    late = per_step["late"]
    if heads:
        per_step["late"] = late & ~Q(agency_id__in=heads)
    # Count("due_at"): a column of the indexes, never null
    rows = [
        _count_row(open_steps.filter(conditions[view]), {
            view: Count("due_at"),  # disjoint: assigned to me / unassigned
            **{f"{view}_{name}": Count("due_at", filter=q) for name, q in per_step.items()},
        })
        for view in ("mine", "queue")
    ]
    if heads:
        rows.append(_count_row(open_steps.filter(late, agency_id__in=heads),
                               {"heads_late": Count("due_at")}))
    if scope.agencies:
        rows.append(_count_row(open_steps.filter(conditions["handed_over"]),
                               {"handed_over": Count("due_at")}))
    return rows


def _fold_counts(row: dict[str, int]) -> dict[str, int]:
    counts = {"mine": row["mine"], "queue": row["queue"], "handed_over": row.get("handed_over", 0)}
    for name in ("due_soon", "waiting", "late"):
        counts[name] = row[f"mine_{name}"] + row[f"queue_{name}"]
    counts["late"] += row.get("heads_late", 0)
    return {view: counts[view] for view in VIEWS}


# Compiling the worklist's statements (the Q trees above → SQL) cost more Python than
# PostgreSQL takes to run them (≈ 2.5 of 8 ms a request, docs/benchmarks.md), and from one call
# to the next they differ only by the clock. So they are compiled once per scope and query with
# stand-ins for the clock, which every call replaces by its own times. A change of roles
# changes the scope, hence the statements: it still takes effect at once.
_NOW = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_HORIZON = dt.datetime(1900, 1, 2, tzinfo=dt.UTC)


class Statement(NamedTuple):
    sql: str
    params: tuple[Any, ...]


@lru_cache(maxsize=1024)
def _statements(user_id: int, roles: tuple[tuple[str, tuple[int, ...]], ...], view: str,
                procedure: str | None, statuses: tuple[int, ...], code: str | None, sort: str,
                limit: int, offset: int, using: str) -> tuple[Statement, Statement]:
    """The counts and the page of a worklist, compiled with the clock's stand-ins."""
    scope = Scope(user_id, {role: list(ids) for role, ids in roles})
    conditions = view_conditions(scope, _NOW, _HORIZON)
    open_steps = _filtered(StepInstance.objects.using(using).filter(finished_at__isnull=True),
                           procedure, list(statuses), code)
    counts = _joined(_count_rows(open_steps, scope, conditions, _NOW, _HORIZON))
    ops = connections[using].ops
    if not {ops.adapt_datetimefield_value(_NOW), ops.adapt_datetimefield_value(_HORIZON)} \
            <= set(counts.params):  # the ORM changed how it passes times: never guess
        raise RuntimeError("the worklist counts were compiled without the clock's stand-ins")
    page = _page_rows(open_steps.filter(conditions[view]), sort, limit, offset)
    return counts, Statement(*page.query.sql_with_params())


def _execute(using: str, statement: Statement, clock: dict[Any, Any]
             ) -> tuple[list[str], list[tuple[Any, ...]]]:
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, [clock.get(p, p) for p in statement.params])
        return [column[0] for column in cursor.description], cursor.fetchall()


def worklist(user: User, *, view: str = "mine", procedure: str | None = None,
             statuses: list[int] | None = None, code: str | None = None, sort: str = "due_at",
             limit: int = 50, offset: int = 0, now: dt.datetime) -> Page:
    """One page of a staff member's worklist with the count of every view (3 queries,
    whatever the size: the scope, the counts, the page)."""
    scope = scope_of(user)
    if scope.user_id is None:
        return Page([], 0, dict.fromkeys(VIEWS, 0))
    horizon = due_soon_horizon(now)
    using = router.db_for_read(StepInstance)
    roles = tuple(sorted((role, tuple(sorted(ids))) for role, ids in scope.by_role.items()))
    counts_sql, page_sql = _statements(scope.user_id, roles, view, procedure,
                                       tuple(sorted(statuses or ())), code or None, sort, limit,
                                       offset, using)
    ops = connections[using].ops
    clock = {ops.adapt_datetimefield_value(_NOW): ops.adapt_datetimefield_value(now),
             ops.adapt_datetimefield_value(_HORIZON): ops.adapt_datetimefield_value(horizon)}
    names, rows = _execute(using, counts_sql, clock)
    counts = _fold_counts(dict(zip(names, rows[0], strict=True)))
    names, rows = _execute(using, page_sql, clock)
    items = [{name: utc_aware(value) for name, value in zip(names, row, strict=True)}
             for row in rows]
    return Page(items, counts[view], counts)


def _page_rows(steps: QuerySet[StepInstance], sort: str, limit: int, offset: int
               ) -> QuerySet[Any]:
    rows: QuerySet[Any] = steps.order_by(*SORTS[sort]).values(*ITEM_FIELDS)
    return rows[offset:offset + limit]


def _page(steps: QuerySet[StepInstance], sort: str, limit: int, offset: int
          ) -> list[dict[str, Any]]:
    return list(_page_rows(steps, sort, limit, offset))


def unit_conditions(agency: Agency, now: dt.datetime) -> dict[str, Q]:
    ours = Q(agency=agency)
    return {
        "all": ours,
        "queue": ours & Q(assignee__isnull=True),
        "assigned": ours & Q(assignee__isnull=False),
        **{name: ours & q for name, q in timing_conditions(now, due_soon_horizon(now)).items()},
    }


def unit_worklist(agency: Agency, *, view: str = "all", procedure: str | None = None,
                  statuses: list[int] | None = None, code: str | None = None,
                  sort: str = "due_at", limit: int = 50, offset: int = 0,
                  now: dt.datetime) -> Page:
    """Every open step of a unit, for its heads: counts per view and per assignee, and for
    each item whether its assignee can still act on it (roles change at once)."""
    conditions = unit_conditions(agency, now)
    open_steps = _filtered(StepInstance.objects.filter(finished_at__isnull=True, agency=agency),
                           procedure, statuses, code)
    counts = _aggregate(open_steps, conditions)
    by_assignee = list(
        open_steps.filter(assignee__isnull=False)
        .values("assignee__username", "assignee__full_name")
        .annotate(open=Count("id"), late=Count("id", filter=conditions["late"]))
        .order_by("assignee__username")
    )
    items = _page(open_steps.filter(conditions[view]), sort, limit, offset)
    assignees = {row["assignee_id"] for row in items if row["assignee_id"]}
    held: dict[int, set[str]] = defaultdict(set)
    if assignees:
        for user_id, role in StaffRole.objects.active().filter(
                agency=agency, user_id__in=assignees).values_list("user_id", "role"):
            held[user_id].add(role)
    can_act = {
        row["id"]: bool(row["assignee_id"]) and may_act(
            row["assignee_id"], row["assignee_id"], row["role"],
            frozenset(held[row["assignee_id"]]))
        for row in items
    }
    return Page(items, counts[view], counts,
                {"by_assignee": by_assignee, "assignee_can_act": can_act})


def procedures_with_process() -> list[tuple[str | None, str]]:
    """(code, name) of every procedure with an internal process: the only ones whose dossiers
    have steps (a worklist's filter)."""
    return list(Process.objects.order_by("procedure__name", "procedure__code")
                .values_list("procedure__code", "procedure__name").distinct())


# read in the answer of every step action: compiled once per process (core.compiled)
_DOSSIER_STEPS = CompiledModel(
    lambda dossier_id: StepInstance.objects.filter(dossier_id=dossier_id)
    .order_by("started_at", "id"),
    stand_in=ID_STAND_IN, related=("agency", "assignee", "acted_by"))


def dossier_steps(dossier_id: int) -> list[StepInstance]:
    """The dossier's steps in the order they started, with their agency and people."""
    return _DOSSIER_STEPS.all(dossier_id, router.db_for_read(StepInstance))


_RUN = CompiledModel(lambda pk: ProcessRun.objects.filter(dossier_id=pk), ID_STAND_IN,
                     related=("process",))


def run_of(dossier_id: int) -> ProcessRun | None:
    """The dossier's process run, with its process."""
    return _RUN.first(dossier_id, router.db_for_read(ProcessRun))


def steps_with_actions(dossier_id: int, user: Any, run: ProcessRun | None,
                       held: list[HeldRole] | None = None
                       ) -> list[tuple[StepInstance, list[str]]]:
    """The dossier's steps (dossier_steps) with what `user` may do on each now
    (permissions.allowed_actions); `held`: the user's roles as read already."""
    scope = scope_of(user, held)
    result = []
    for step in dossier_steps(dossier_id):
        allowed: list[str] = []
        if step.finished_at is None and run is not None:
            step_def = run.process.parsed.step(step.key)
            allowed = allowed_actions(user.pk, step, scope.roles_at(step.agency_id), step_def)
        result.append((step, allowed))
    return result


def _step_at_condition(agency_ids: list[int]) -> Q:
    return Q(Exists(StepInstance.objects.filter(dossier=OuterRef("pk"),
                                                agency_id__in=agency_ids)))


def _has_step_at(dossier_id: int, agency_ids: list[int]) -> bool:
    return StepInstance.objects.filter(dossier_id=dossier_id, agency_id__in=agency_ids).exists()


# A dossier with a process step (open or past) at an agency is visible to that agency's staff.
STEP_AGENCIES = Involvement(condition=_step_at_condition, involves=_has_step_at)
