"""Reads of petitions and ratings: the agency's worklist with its counts, the petitioner's
list, a dossier's ratings. Every read starts from the policy (`policy.visible_petitions`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from motcua.dossiers.models import Dossier
from motcua.org.models import User
from motcua.petitions import policy, rules
from motcua.petitions.models import OPEN_STATUSES, Petition, Rating
from motcua.workcalendar.service import due_soon_horizon

# The worklist's views: open (waiting for the agency), of those the late and the due soon
# (within one working day), waiting for the petitioner, handled, and all.
VIEWS = ("open", "late", "due_soon", "waiting", "handled", "all")
LIST_RELATED = ("procedure", "agency", "dossier")


def view_conditions(now: dt.datetime) -> dict[str, Q]:
    opened = Q(status=Petition.Status.OPEN)
    return {
        "open": opened,
        "late": opened & Q(deadline__lt=now),
        "due_soon": opened & Q(deadline__gte=now, deadline__lte=due_soon_horizon(now)),
        "waiting": Q(status=Petition.Status.WAITING),
        "handled": ~Q(status__in=OPEN_STATUSES),
        "all": Q(),
    }


# The views counted: those of the petitions still to be handled (the index on agency, status
# and deadline reads only them; the handled ones grow without end and are not counted).
COUNTED = ("open", "late", "due_soon", "waiting")


def worklist(user: User, view: str, now: dt.datetime) -> QuerySet[Petition]:
    """The petitions of the staff member's agencies in `view`, by deadline; in the views that
    mix them, those waiting for the agency first, then those waiting for the petitioner, then
    the handled (the newest first)."""
    qs = policy.visible_petitions(user).filter(view_conditions(now)[view]) \
        .select_related(*LIST_RELATED)
    if view == "handled":
        return qs.order_by("-handled_at", "-pk")
    if view != "all":
        return qs.order_by("deadline", "pk")
    rank = Case(When(status=Petition.Status.OPEN, then=Value(0)),
                When(status=Petition.Status.WAITING, then=Value(1)), default=Value(2),
                output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("rank", "deadline", "pk")


def counts(user: User, now: dt.datetime) -> dict[str, int]:
    """How many petitions each view still to be handled holds, in one query."""
    conditions = view_conditions(now)
    return policy.visible_petitions(user).filter(status__in=OPEN_STATUSES).aggregate(
        **{view: Count("pk", filter=conditions[view]) for view in COUNTED})


def of_petitioner(user: User) -> QuerySet[Petition]:
    """The citizen's petitions, the newest first."""
    return (policy.visible_petitions(user).select_related(*LIST_RELATED)
            .order_by("-received_at", "-pk"))


def about_dossier(user: User, dossier: Dossier) -> list[Petition]:
    return list(policy.visible_petitions(user).filter(dossier=dossier)
                .order_by("-received_at", "-pk"))


def rating_by(user: User, dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier, by_id=user.pk).first() \
        if user.is_authenticated else None


@dataclass(frozen=True)
class Timing:
    """A petition's mark on a page: late, due soon (within one working day), or neither."""

    late: bool
    due_soon: bool


def timing(p: Petition, now: dt.datetime, horizon: dt.datetime | None = None) -> Timing:
    late = rules.late_at(rules.Clock(p.status, p.deadline, p.handled_at, p.late_since), now)
    soon = (not late and p.status == Petition.Status.OPEN
            and p.deadline <= (horizon or due_soon_horizon(now)))
    return Timing(late, soon)
