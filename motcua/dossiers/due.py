"""Why a dossier's due time is what it is (DOMAIN.md §4): the legal duration applied and why,
the counting from receipt day by day, each time the clock stopped and what that did, and the
apology's new appointment. Rebuilt from the dossier's stored facts with the calendar's own
arithmetic (the same calls as the actions that set `due_at`), so it ends on `due_at`, unless
the calendar changed since (`matches`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from motcua.catalog.models import DEFAULT_CASE, SupplementMode
from motcua.dossiers.actions import legal_duration
from motcua.dossiers.models import Apology, Channel, ClockPause, Dossier
from motcua.dossiers.selectors import DetailRelations
from motcua.workcalendar.explain import Explanation, explain_due_date
from motcua.workcalendar.rules import UNIT_CALENDAR_DAYS, Duration, WorkCalendar
from motcua.workcalendar.service import day_names, get_calendar

# The actions that start the clock again after a pause (actions._resume).
RESUMING_ACTIONS = frozenset({"receive_supplement", "confirm_payment"})


class PauseEnd(StrEnum):
    RESUMED = "resumed"  # PAUSE: the due time moved by the time the clock stood
    RESTARTED = "restarted"  # RESTART: the full duration counted again from the supplement
    CLOSED = "closed"  # the dossier ended while the clock stood: nothing moved
    OPEN = "open"  # the clock still stands


@dataclass(frozen=True)
class PauseStep:
    reason: str  # ClockPause.reason: "supplement" or "payment"
    started_at: datetime
    ended_at: datetime | None
    end: PauseEnd
    due_before: datetime
    due_after: datetime
    paused: timedelta = timedelta()  # working time the clock stood (working-time durations)
    paused_days: int = 0  # calendar days the pause covered (calendar-day durations)
    restart: Explanation | None = None  # RESTARTED: the new counting


@dataclass(frozen=True)
class AppointmentChange:
    """An apology (Form 04): a new appointment; the legal due time does not move."""

    issued_at: datetime
    old: datetime
    new: datetime
    reason: str


@dataclass(frozen=True)
class DurationChoice:
    """The legal duration applied at receipt, and where it comes from."""

    duration: Duration
    version_number: int
    version_from: date
    case_key: str  # "" for the procedure's own duration, else a DurationCase.key
    case_label: str
    by_data: bool  # the dossier's data selected the case (its rule holds)
    reason: str  # the officer's reason for choosing another case than the data's
    online: bool  # the procedure's shorter duration for online dossiers applied


@dataclass(frozen=True)
class DueExplanation:
    choice: DurationChoice
    counting: Explanation  # from receipt
    pauses: tuple[PauseStep, ...]
    due_at: datetime  # rebuilt from the facts
    recorded_due_at: datetime  # Dossier.due_at, the one in force
    appointment_at: datetime | None
    apologies: tuple[AppointmentChange, ...]

    @property
    def matches(self) -> bool:
        """False when the calendar changed after the due time was set (a day made a day off
        or a working day since): the recorded due time stays the one in force."""
        return self.due_at == self.recorded_due_at

    @property
    def last_counting(self) -> Explanation:
        """The counting in force: the last restart's, else the one from receipt."""
        restarts = [p.restart for p in self.pauses if p.restart is not None]
        return restarts[-1] if restarts else self.counting

    @property
    def paused_since(self) -> datetime | None:
        return next((p.started_at for p in self.pauses if p.end == PauseEnd.OPEN), None)

    @property
    def moved_by_pauses(self) -> bool:
        return any(p.due_after != p.due_before for p in self.pauses)


def explain_due(d: Dossier, relations: DetailRelations | None = None
                ) -> DueExplanation | None:
    """The explanation of `d`'s due time; None while it has no legal clock (not received yet,
    or a procedure whose duration the national data does not confirm). `relations`: the rows
    already read for the detail (no further statement), else they are read here."""
    duration = legal_duration(d)
    if d.received_at is None or d.due_at is None or duration is None:
        return None
    if relations is None:
        pauses, events = list(d.pauses.all()), list(d.events.all())
        apologies = list(d.apology_slips.all())
    else:
        pauses, events, apologies = relations.pauses, relations.events, relations.apologies
    calendar, names = get_calendar(), day_names()
    version = d.procedure_version

    def count(start: datetime) -> Explanation:  # as actions._start_clock and calendar.restart
        return explain_due_date(calendar, start, duration, cutoff=version.cutoff, names=names)

    counting = count(d.received_at)
    due, steps = counting.due_at, []
    resumed_at = {e.at for e in events if e.action in RESUMING_ACTIONS}
    restarts = version.supplement_mode == SupplementMode.RESTART
    for pause in sorted(pauses, key=lambda p: (p.started_at, p.pk)):
        step = _pause_step(pause, due, duration, calendar, resumed_at, count,
                           restart=restarts and pause.reason == "supplement")
        steps.append(step)
        due = step.due_after
    return DueExplanation(
        choice=_choice(d, duration), counting=counting, pauses=tuple(steps), due_at=due,
        recorded_due_at=d.due_at, appointment_at=d.appointment_at,
        apologies=tuple(_appointment(a) for a in apologies),
    )


def _pause_step(pause: ClockPause, due: datetime, duration: Duration, calendar: WorkCalendar,
                resumed_at: set[datetime], count: Callable[[datetime], Explanation], *,
                restart: bool) -> PauseStep:
    """What one pause did to `due`, as actions._resume did it."""
    start, end = pause.started_at, pause.ended_at
    if end is None:
        return PauseStep(pause.reason, start, None, PauseEnd.OPEN, due, due)
    if end not in resumed_at:  # closed by the end of the dossier (actions._simple)
        return PauseStep(pause.reason, start, end, PauseEnd.CLOSED, due, due)
    if restart:
        counting = count(end)
        return PauseStep(pause.reason, start, end, PauseEnd.RESTARTED, due, counting.due_at,
                         restart=counting)
    after = calendar.shift_for_pause(due, start, end, unit=duration.unit)
    tz = calendar.rules.tz
    return PauseStep(
        pause.reason, start, end, PauseEnd.RESUMED, due, after,
        paused=timedelta(seconds=calendar.working_seconds_between(start, end)),
        paused_days=max(0, (end.astimezone(tz).date() - start.astimezone(tz).date()).days)
        if duration.unit == UNIT_CALENDAR_DAYS else 0,
    )


def _choice(d: Dossier, duration: Duration) -> DurationChoice:
    version = d.procedure_version
    key = d.duration_case if d.duration_case != DEFAULT_CASE else ""
    case = version.case(key) if key else None
    automatic = version.case_for(d.form_data or {})
    offline = case.duration(online=False) if case else version.duration(online=False)
    return DurationChoice(
        duration=duration, version_number=version.number, version_from=version.effective_from,
        case_key=key, case_label=case.label if case else d.duration_case_label,
        by_data=bool(key) and automatic is not None and automatic.key == key,
        reason=d.duration_reason,
        online=d.channel == Channel.ONLINE and offline is not None and offline != duration,
    )


def _appointment(a: Apology) -> AppointmentChange:
    return AppointmentChange(a.issued_at, a.old_due_at, a.new_due_at, a.reason)

