"""Deadline escalation: warn before a step is due, when it is late, and before the legal due
time of a dossier so that the apology (Form 04) goes out in time.

Rules (working hours are counted with the working calendar):
  step_due_soon     an open step (not waiting) is due within STEP_WARN_BEFORE_HOURS working
                    hours: warn its assignee, or the staff of its queue (the unit's staff holding
                    the step's role; its heads when nobody does).
  step_late         an open step (not waiting) is past due: warn the heads of its agency
                    (leaders when there is no head; those of the agency above when it has
                    neither).
  dossier_due_soon  a dossier being processed (2, 4, 0) is legally due within
                    DOSSIER_WARN_BEFORE_HOURS working hours and no apology was issued: warn the
                    heads of its handling agency and the one-stop officers of its receiving one.

Each warning is sent exactly once (a unique Escalation row per step or dossier and kind),
recorded on the dossier's timeline (event "escalate") and published as `EscalationRaised` in
the same transaction; `notifications` subscribes and writes the in-app notices.
`run_pass(now)` is idempotent: running it again sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.events import publish
from motcua.core.formatting import format_dt_or_blank
from motcua.dossiers import actions as dactions
from motcua.dossiers.models import Dossier, Status
from motcua.org.models import Agency, Role, StaffRole, User
from motcua.processing.events import EscalationRaised
from motcua.processing.models import Escalation, StepInstance
from motcua.workcalendar.service import get_calendar

log = logging.getLogger(__name__)

Kind = Escalation.Kind
BATCH = 2000  # per kind per pass; the rest is picked up by the next pass
CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.INTEROPERATING)


def step_warn_hours() -> float:
    return float(settings.STEP_WARN_BEFORE_HOURS)


def dossier_warn_hours() -> float:
    return float(settings.DOSSIER_WARN_BEFORE_HOURS)


def run_pass(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every warning that is due at `now` and was not sent yet; returns how many."""
    now = now or timezone.now()
    calendar = get_calendar()
    sent = {kind: 0 for kind in Kind.values}

    step_horizon = calendar.add_working_seconds(now, round(step_warn_hours() * 3600))
    for step in _open_steps(Kind.STEP_DUE_SOON).filter(due_at__gt=now,
                                                       due_at__lte=step_horizon)[:BATCH]:
        recipients = [step.assignee] if step.assignee else _staff(step.agency, [step.role])
        recipients = recipients or _heads(step.agency)
        text = _("Step “%(step)s” of dossier %(code)s is due at %(due)s.") % {
            "step": step.name, "code": step.dossier.code, "due": format_dt_or_blank(step.due_at)}
        sent[Kind.STEP_DUE_SOON] += _send(step.dossier, step, Kind.STEP_DUE_SOON, recipients,
                                          text, now, step.agency)

    for step in _open_steps(Kind.STEP_LATE).filter(due_at__lte=now)[:BATCH]:
        who = step.assignee.full_name or step.assignee.username if step.assignee else _("queue")
        text = _("Step “%(step)s” of dossier %(code)s is late: it was due at %(due)s "
                 "(%(who)s).") % {"step": step.name, "code": step.dossier.code,
                                  "due": format_dt_or_blank(step.due_at), "who": who}
        sent[Kind.STEP_LATE] += _send(step.dossier, step, Kind.STEP_LATE, _heads(step.agency),
                                      text, now, step.agency)

    dossier_horizon = calendar.add_working_seconds(now, round(dossier_warn_hours() * 3600))
    already = Escalation.objects.filter(dossier=OuterRef("pk"), step__isnull=True,
                                        kind=Kind.DOSSIER_DUE_SOON)
    near = (
        Dossier.objects.filter(status__in=CLOCK_RUNNING, apologies=0, due_at__gt=now,
                               due_at__lte=dossier_horizon)
        .exclude(Exists(already))
        .select_related("handling_agency", "receiving_agency")
        .order_by("due_at")[:BATCH]
    )
    for d in near:
        recipients = _heads(d.handling_agency) + _staff(d.receiving_agency,
                                                         [Role.ONE_STOP_OFFICER])
        text = _("Dossier %(code)s is legally due at %(due)s and no apology has been issued. "
                 "If it cannot be finished in time, issue the apology with a new appointment "
                 "(Form 04) before then.") % {"code": d.code, "due": format_dt_or_blank(d.due_at)}
        sent[Kind.DOSSIER_DUE_SOON] += _send(d, None, Kind.DOSSIER_DUE_SOON, recipients, text,
                                             now, d.handling_agency)
    return sent


def _open_steps(kind: str) -> QuerySet[StepInstance]:
    already = Escalation.objects.filter(step=OuterRef("pk"), kind=kind)
    return (
        StepInstance.objects.filter(finished_at__isnull=True, waiting=False)
        .exclude(Exists(already))
        .select_related("dossier", "agency", "assignee")
        .order_by("due_at", "id")
    )


def _staff(agency: Agency, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=StaffRole.objects.active().filter(agency=agency, role__in=list(roles))
            .values("user_id"),
        ).order_by("username")
    )


MAX_LEVELS_UP = 5  # agency → parent → …: a bound, in case the data ever has a cycle


def _heads(agency: Agency) -> list[User]:
    """The heads of `agency`, else its leaders; for a unit with neither (a vacancy, a unit
    being set up), those of the agency above it, so that a warning always reaches someone."""
    level: Agency | None = agency
    for _level in range(MAX_LEVELS_UP):
        if level is None:
            break
        heads = _staff(level, [Role.HEAD]) or _staff(level, [Role.LEADER])
        if heads:
            return heads
        level = level.parent
    return []


def _send(d: Dossier, step: StepInstance | None, kind: str, recipients: list[User], text: str,
          now: dt.datetime, agency: Agency) -> int:
    """Record and deliver one warning; 0 when it was already sent (by a concurrent pass)."""
    unique = list({u.pk: u for u in recipients}.values())
    try:
        with transaction.atomic():
            Escalation.objects.create(dossier=d, step=step, kind=kind, at=now,
                                      recipients=[u.username for u in unique])
            dactions.timeline_event(
                d, "escalate", actor=None, now=now, agency=agency, reason=text, kind=kind,
                recipients=[u.username for u in unique], step=step.key if step else None,
                step_id=step.pk if step else None,
            )
            publish(EscalationRaised(dossier=d, step=step, kind=kind, recipients=tuple(unique),
                                     text=text, at=now))
    except IntegrityError:
        return 0
    if not unique:
        log.warning("escalation %s of dossier %s has nobody to warn", kind, d.code)
    return 1


