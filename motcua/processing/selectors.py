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
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.org.models import Agency, Role, StaffRole, User
from motcua.processing.models import StepInstance
from motcua.workcalendar.service import get_calendar

VIEWS = ("mine", "queue", "due_soon", "late", "waiting", "handed_over")
UNIT_VIEWS = ("all", "queue", "assigned", "due_soon", "late", "waiting")
SORTS = {
    "due_at": ("due_at", "id"),
    "-due_at": ("-due_at", "-id"),
    "started_at": ("started_at", "id"),
    "-started_at": ("-started_at", "-id"),
}
HEADS = (Role.HEAD, Role.LEADER)
NOTHING = Q(pk__lt=0)  # matches no row, without EmptyResultSet in conditional aggregates
ITEM_RELATED = ("dossier__procedure", "agency", "assignee")
ITEM_FIELDS = (
    "key", "name", "role", "started_at", "due_at", "waiting", "assignee_id", "agency_id",
    "dossier_id", "agency__code", "agency__name", "assignee__username", "assignee__full_name",
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


def scope_of(user: Any) -> Scope:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
            and getattr(user, "kind", None) == User.Kind.STAFF):
        return Scope(None)
    by_role: dict[str, list[int]] = defaultdict(list)
    for agency_id, role in StaffRole.objects.active().filter(user=user).values_list(
            "agency_id", "role"):
        by_role[role].append(agency_id)
    return Scope(user.pk, dict(by_role))


def _any(conditions: list[Q]) -> Q:
    return reduce(or_, conditions) if conditions else NOTHING


def view_conditions(scope: Scope, now: dt.datetime) -> dict[str, Q]:
    """The condition of each worklist view, on open steps."""
    if scope.user_id is None:
        return dict.fromkeys(VIEWS, NOTHING)
    holds_role = _any([Q(role=r, agency_id__in=ids) for r, ids in scope.by_role.items()])
    heads = scope.head_agencies
    can_act = holds_role | Q(agency_id__in=heads) if heads else holds_role
    mine = Q(assignee_id=scope.user_id) & can_act
    queue = Q(assignee__isnull=True) & holds_role
    ours = mine | queue
    horizon = get_calendar().add_working_seconds(now, working_day_seconds())
    late = Q(waiting=False, due_at__lte=now)
    agencies = scope.agencies
    return {
        "mine": mine,
        "queue": queue,
        "due_soon": ours & Q(waiting=False, due_at__gt=now, due_at__lte=horizon),
        "late": (ours | Q(agency_id__in=heads) if heads else ours) & late,
        "waiting": ours & Q(waiting=True),
        "handed_over": Q(handed_over_by_id__in=agencies) if agencies else NOTHING,
    }


def working_day_seconds() -> int:
    return get_calendar().rules.working_seconds_per_day


def _filtered(qs: QuerySet[StepInstance], procedure: str | None, statuses: list[int] | None
              ) -> QuerySet[StepInstance]:
    if procedure:
        qs = qs.filter(dossier__procedure__code=procedure)
    if statuses:
        qs = qs.filter(dossier__status__in=statuses)
    return qs


@dataclass
class Page:
    items: list[StepInstance]
    count: int
    counts: dict[str, int]
    extra: dict[str, Any] = field(default_factory=dict)


def _aggregate(steps: QuerySet[StepInstance], conditions: dict[str, Q]) -> dict[str, int]:
    """Filtered counts in one query (aliases prefixed: a field may share a view's name)."""
    row = steps.aggregate(**{f"n_{name}": Count("id", filter=q)
                             for name, q in conditions.items()})
    return {name: row[f"n_{name}"] for name in conditions}


def _counts(open_steps: QuerySet[StepInstance], scope: Scope, conditions: dict[str, Q],
            now: dt.datetime) -> dict[str, int]:
    """Every view's count in at most three index-friendly queries: the staff member's own and
    queue steps (one aggregate), the late steps of the agencies they head, the steps handed
    over by their agencies."""
    if scope.user_id is None:
        return dict.fromkeys(VIEWS, 0)
    heads = scope.head_agencies
    late_not_headed = conditions["late"] & ~Q(agency_id__in=heads) if heads \
        else conditions["late"]
    ours = conditions["mine"] | conditions["queue"]
    counts = _aggregate(open_steps.filter(ours), {
        "mine": conditions["mine"], "queue": conditions["queue"],
        "due_soon": conditions["due_soon"], "waiting": conditions["waiting"],
        "late": late_not_headed,
    })
    if heads:
        counts["late"] += open_steps.filter(agency_id__in=heads, waiting=False,
                                            due_at__lte=now).count()
    counts["handed_over"] = open_steps.filter(conditions["handed_over"]).count() \
        if scope.agencies else 0
    return counts


def worklist(user: User, *, view: str = "mine", procedure: str | None = None,
             statuses: list[int] | None = None, sort: str = "due_at", limit: int = 50,
             offset: int = 0, now: dt.datetime) -> Page:
    """One page of a staff member's worklist with the count of every view (at most 5
    queries, whatever the size)."""
    scope = scope_of(user)
    conditions = view_conditions(scope, now)
    open_steps = _filtered(StepInstance.objects.filter(finished_at__isnull=True), procedure,
                           statuses)
    counts = _counts(open_steps, scope, conditions, now)
    items = _page(open_steps.filter(conditions[view]), sort, limit, offset)
    return Page(items, counts[view], counts)


def _page(steps: QuerySet[StepInstance], sort: str, limit: int, offset: int
          ) -> list[StepInstance]:
    return list(
        steps.select_related(*ITEM_RELATED).only(*ITEM_FIELDS)
        .order_by(*SORTS[sort])[offset:offset + limit]
    )


def unit_conditions(agency: Agency, now: dt.datetime) -> dict[str, Q]:
    horizon = get_calendar().add_working_seconds(now, working_day_seconds())
    return {
        "all": Q(agency=agency),
        "queue": Q(agency=agency, assignee__isnull=True),
        "assigned": Q(agency=agency, assignee__isnull=False),
        "due_soon": Q(agency=agency, waiting=False, due_at__gt=now, due_at__lte=horizon),
        "late": Q(agency=agency, waiting=False, due_at__lte=now),
        "waiting": Q(agency=agency, waiting=True),
    }


def unit_worklist(agency: Agency, *, view: str = "all", procedure: str | None = None,
                  statuses: list[int] | None = None, sort: str = "due_at", limit: int = 50,
                  offset: int = 0, now: dt.datetime) -> Page:
    """Every open step of a unit, for its heads: counts per view and per assignee, and for
    each item whether its assignee can still act on it (roles change at once)."""
    conditions = unit_conditions(agency, now)
    open_steps = _filtered(StepInstance.objects.filter(finished_at__isnull=True, agency=agency),
                           procedure, statuses)
    counts = _aggregate(open_steps, conditions)
    by_assignee = list(
        open_steps.filter(assignee__isnull=False)
        .values("assignee__username", "assignee__full_name")
        .annotate(open=Count("id"), late=Count("id", filter=conditions["late"]))
        .order_by("assignee__username")
    )
    items = _page(open_steps.filter(conditions[view]), sort, limit, offset)
    assignees = {s.assignee_id for s in items if s.assignee_id}
    held: dict[int, set[str]] = defaultdict(set)
    if assignees:
        for user_id, role in StaffRole.objects.active().filter(
                agency=agency, user_id__in=assignees).values_list("user_id", "role"):
            held[user_id].add(role)
    can_act = {
        s.pk: bool(s.assignee_id) and (s.role in held[s.assignee_id]  # type: ignore[index]
                                       or bool(held[s.assignee_id] & set(HEADS)))  # type: ignore[index]
        for s in items
    }
    return Page(items, counts[view], counts,
                {"by_assignee": by_assignee, "assignee_can_act": can_act})


def dossier_steps(dossier_id: int) -> list[StepInstance]:
    return list(
        StepInstance.objects.filter(dossier_id=dossier_id)
        .select_related("agency", "assignee", "acted_by")
        .order_by("started_at", "id")
    )
