"""A dossier's "why this due time" in plain words, for a person (DOMAIN.md §4): one summary
sentence, then the duration, the counting day by day, the pauses and the new appointments,
in the active language. Built from dossiers.due; shown by web/includes/due_explanation.html.
Nothing in it is staff-only: the applicant's dossier detail shows the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.formatting import format_dt, local
from motcua.dossiers.due import DueExplanation, PauseEnd, PauseStep
from motcua.web.templatetags.web import duration as duration_words
from motcua.workcalendar.explain import Day, DayKind, Explanation, Start
from motcua.workcalendar.rules import (
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    Duration,
)
from motcua.workcalendar.service import get_calendar


@dataclass(frozen=True)
class Line:
    """One day, or a run of alike days, of a counting."""

    when: str  # "Thứ 2 23/11/2026", or a range "Thứ 2 23/11/2026 – Thứ 4 25/11/2026"
    text: str
    counted: bool


@dataclass(frozen=True)
class Counting:
    start: str  # when and why counting started
    lines: tuple[Line, ...]
    end: str  # where it ended


@dataclass(frozen=True)
class PauseWords:
    text: str
    counting: Counting | None  # a restart: the new counting


@dataclass(frozen=True)
class DueWords:
    summary: str
    duration: str
    working_time: str  # the working hours the counting uses
    counting: Counting
    pauses: tuple[PauseWords, ...]
    appointments: tuple[str, ...]
    note: str  # the calendar changed since the due time was set, else ""


def due_words(e: DueExplanation) -> DueWords:
    """`e` in the active language."""
    return DueWords(
        summary=_summary(e), duration=_duration_line(e), working_time=_working_hours(),
        counting=_counting(e.counting), pauses=tuple(_pause(e, p) for p in e.pauses),
        appointments=tuple(
            _("At %(issued)s the agency apologised (Form 04) and set a new appointment for "
              "the result, %(new)s, instead of %(old)s. Reason: %(reason)s. The legal due "
              "time does not move.")
            % {"issued": format_dt(a.issued_at), "new": format_dt(a.new),
               "old": format_dt(a.old), "reason": a.reason}
            for a in e.apologies),
        note="" if e.matches else _(
            "The working calendar changed after this due time was set (a day became a day off "
            "or a working day). The due time set then, %(due)s, stays in force; the days above "
            "are counted with today's calendar, which would give %(rebuilt)s."
        ) % {"due": format_dt(e.recorded_due_at), "rebuilt": format_dt(e.due_at)},
    )


# --- the summary --------------------------------------------------------------------------


def _summary(e: DueExplanation) -> str:
    counting = e.last_counting
    # "1 working day": "within the working day counted from" would not read
    length = counting.duration if counting.duration.unit != UNIT_SAME_DAY else Duration(
        counting.duration.value, UNIT_WORKING_DAYS)
    values = {"due": format_dt(e.recorded_due_at), "duration": _duration(length),
              "start": _start_moment(counting), "received": format_dt(counting.received_at)}
    if counting is not e.counting:
        head = _("Result due at %(due)s: %(duration)s counted again in full from %(start)s, "
                 "after the supplement was received at %(received)s") % values
    else:
        head = _("Result due at %(due)s: %(duration)s counted from %(start)s, %(why)s") % {
            **values, "why": _why(counting)}
    parts = [head]
    # the pauses that moved the counting in force (a restart leaves none of the earlier ones)
    restarted = [i for i, p in enumerate(e.pauses) if p.end == PauseEnd.RESTARTED]
    resumed = [p for p in e.pauses[restarted[-1] + 1 if restarted else 0:]
               if p.end == PauseEnd.RESUMED and p.due_after != p.due_before]
    if resumed:
        total = (_days(sum(p.paused_days for p in resumed))
                 if counting.duration.unit == UNIT_CALENDAR_DAYS
                 else _working_time(sum((p.paused for p in resumed), timedelta())))
        parts.append((
            _("the clock stood still once, for %(total)s, which moved the due time as much")
            if len(resumed) == 1 else
            _("the clock stood still %(n)d times, for %(total)s in all, which moved the due "
              "time as much")) % {"n": len(resumed), "total": total})
    if (since := e.paused_since) is not None:
        parts.append(_("the clock has stood still since %(since)s (%(what)s): the due time "
                       "will move when it starts again")
                     % {"since": format_dt(since), "what": _waiting_for(e.pauses[-1].reason)})
    if e.apologies and e.appointment_at is not None:
        parts.append(_("the agency apologised and set a new appointment for %(appointment)s; "
                       "the legal due time does not move")
                     % {"appointment": format_dt(e.appointment_at)})
    return "; ".join(parts) + "."


def _why(e: Explanation) -> str:
    """Why counting started where it did, as the end of the summary's first clause."""
    received = format_dt(e.received_at)
    if e.start == Start.IN_WORKING_TIME:
        return _("when the dossier was received")
    if e.start == Start.BEFORE_OPENING:
        return _("the opening of working hours, as the dossier was received at %(received)s, "
                 "before them") % {"received": received}
    if e.start == Start.BETWEEN_PERIODS:
        return _("the next working period, as the dossier was received at %(received)s, "
                 "during the break") % {"received": received}
    if e.start == Start.AFTER_CLOSING:
        return _("the next working morning, as the dossier was received at %(received)s, "
                 "after working hours") % {"received": received}
    if e.start == Start.DAY_OFF:
        return _("the next working morning, as the dossier was received on a day off "
                 "(%(day)s)") % {"day": _day_off(e.receipt_day)}
    if e.start == Start.AFTER_CUTOFF:
        return _("as the dossier was received after %(cutoff)s on %(date)s") % {
            "cutoff": _time(e.cutoff), "date": _date(local(e.received_at).date())}
    return _("the day after the day of receipt, as the Civil Code counts days")


# --- the details --------------------------------------------------------------------------


def _duration_line(e: DueExplanation) -> str:
    c = e.choice
    values = {"duration": _duration(c.duration), "case": c.case_label, "reason": c.reason,
              "version": c.version_number, "date": _date(c.version_from)}
    if c.case_key and c.reason:
        line = _("%(duration)s: the duration of the case “%(case)s”, chosen at receipt "
                 "because: %(reason)s (procedure version %(version)s, in force from "
                 "%(date)s).") % values
    elif c.case_key:
        line = _("%(duration)s: the duration of the case “%(case)s”, which the dossier's data "
                 "selects (procedure version %(version)s, in force from %(date)s).") % values
    elif c.reason:  # the procedure's own duration, chosen over the case the data selects
        line = _("%(duration)s: the legal duration of the procedure, chosen at receipt "
                 "because: %(reason)s (version %(version)s, in force from %(date)s).") % values
    else:
        line = _("%(duration)s: the legal duration of the procedure (version %(version)s, in "
                 "force from %(date)s).") % values
    if c.online:
        line += " " + _("It is the shorter duration for dossiers submitted online.")
    return line


def _working_hours() -> str:
    rules = get_calendar().rules
    periods = ", ".join(f"{_time(s)}–{_time(e)}" for s, e in rules.periods)
    return _("Working time: %(periods)s on working days (%(time)s a day). Weekends and public "
             "holidays are not working days; a Saturday swapped by a government decision is.") % {
        "periods": periods,
        "time": _working_time(timedelta(seconds=rules.working_seconds_per_day))}


def _counting(e: Explanation) -> Counting:
    return Counting(start=_start_sentence(e), lines=tuple(_lines(e)), end=_end_sentence(e))


def _start_sentence(e: Explanation) -> str:
    values = {"received": format_dt(e.received_at), "start": _start_moment(e),
              "cutoff": _time(e.cutoff), "day": _day_off(e.receipt_day)}
    sentences = {
        Start.IN_WORKING_TIME: _("Received at %(received)s, in working hours: counted from "
                                 "that moment."),
        Start.BEFORE_OPENING: _("Received at %(received)s, before working hours: counted from "
                                "their opening, %(start)s."),
        Start.BETWEEN_PERIODS: _("Received at %(received)s, during the break: counted from "
                                 "the next working period, %(start)s."),
        Start.AFTER_CLOSING: _("Received at %(received)s, after working hours: counted from "
                               "the next working morning, %(start)s."),
        Start.DAY_OFF: _("Received at %(received)s, on a day off (%(day)s): counted from the "
                         "next working morning, %(start)s."),
        Start.AFTER_CUTOFF: _("Received at %(received)s, after %(cutoff)s, the cut-off time of "
                              "this same-day procedure: counted from the next working day, "
                              "%(start)s."),
        Start.NEXT_DAY: _("Received at %(received)s. The duration is in calendar days (Civil "
                          "Code 2015, Articles 147 and 148): the day of receipt is not "
                          "counted, and every day from the next one, %(start)s, is."),
    }
    return sentences[e.start] % values


def _end_sentence(e: Explanation) -> str:
    values = {"due": format_dt(e.due_at), "duration": _duration(e.duration)}
    if e.duration.unit == UNIT_CALENDAR_DAYS:
        if e.moved_to_working_day:
            last = e.counted_days[-1]
            return _("The last day, %(last)s, is a day off: the period ends at the end of "
                     "working time of the next working day, %(due)s.") % {
                **values, "last": _day_label(last.day)}
        return _("The period ends at the end of working time of its last day: %(due)s.") % (
            values)
    if e.duration.unit == UNIT_SAME_DAY:
        return _("Due at the end of working time of the last working day counted: %(due)s.") % (
            values)
    return _("With the %(duration)s counted, the due time is %(due)s.") % (
        values)


def _lines(e: Explanation) -> Iterable[Line]:
    runs: list[list[Day]] = []
    for day in e.days:
        key = _run_key(e, day)
        if runs and key is not None and _run_key(e, runs[-1][-1]) == key:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        yield Line(_when(run), _run_text(e, run), run[0].counted)


def _run_key(e: Explanation, day: Day) -> tuple[object, ...] | None:
    """Days with the same key read as one line; None: a line of its own."""
    if day.moved or (day.counted and e.duration.unit == UNIT_SAME_DAY):
        return None
    if day.counted and e.duration.unit != UNIT_CALENDAR_DAYS:
        return ("whole", day.kind, day.name) if day.periods == _whole(day.day) else None
    return (day.counted, day.kind, day.name)


def _whole(d: date) -> tuple[tuple[datetime, datetime], ...]:
    """The working periods of a whole working day `d`."""
    rules = get_calendar().rules
    return tuple((datetime.combine(d, s, rules.tz), datetime.combine(d, e, rules.tz))
                 for s, e in rules.periods)


def _run_text(e: Explanation, run: Sequence[Day]) -> str:
    first, n = run[0], len(run)
    if first.moved:
        if not first.kind.is_working:
            return _("not counted: %(kind)s; the period's last day was a day off, so it "
                     "moves on") % {"kind": _kind(first)}
        return _("the next working day: the period ends here, at the end of working time")
    if not first.counted:
        return _("not counted: %(kind)s") % {"kind": _kind(first)}
    if e.duration.unit == UNIT_CALENDAR_DAYS:
        text = (_("day %(first)d of %(count)d") if n == 1 else
                _("days %(first)d to %(last)d of %(count)d")) % {
            "first": first.number, "last": run[-1].number, "count": e.duration.value}
        if not first.kind.is_working:
            text += "; " + _("%(kind)s, counted all the same (calendar days)") % {
                "kind": _kind(first)}
        return text
    if e.duration.unit == UNIT_SAME_DAY:
        text = _("working day %(number)d of %(count)d, counted %(periods)s") % {
            "number": first.number, "count": e.duration.value, "periods": _periods(first)}
    elif n > 1:
        text = _("%(n)d working days, counted in full (%(time)s a day)") % {
            "n": n, "time": _working_time(first.working_time)}
    else:
        text = _("counted %(periods)s (%(time)s)") % {
            "periods": _periods(first), "time": _working_time(first.working_time)}
    if first.kind == DayKind.SWAPPED or first.name:
        text += "; " + _kind(first)
    return text


def _pause(e: DueExplanation, p: PauseStep) -> PauseWords:
    values = {"what": _waiting_for(p.reason).capitalize(), "start": format_dt(p.started_at),
              "end": format_dt(p.ended_at) if p.ended_at else "",
              "before": format_dt(p.due_before), "after": format_dt(p.due_after),
              "duration": _duration(e.choice.duration)}
    if p.end == PauseEnd.OPEN:
        return PauseWords(_("%(what)s: the clock has stood still since %(start)s; the due time "
                            "will move when it starts again.") % values, None)
    if p.end == PauseEnd.CLOSED:
        return PauseWords(_("%(what)s: the clock stood still from %(start)s until the dossier "
                            "ended, at %(end)s; the due time did not move.") % values, None)
    if p.end == PauseEnd.RESTARTED:
        assert p.restart is not None
        return PauseWords(_("%(what)s: the clock stood still from %(start)s. The supplement "
                            "was received at %(end)s, and this procedure then counts its "
                            "%(duration)s again in full: due at %(after)s.") % values,
                          _counting(p.restart))
    if p.due_after == p.due_before:
        return PauseWords(_("%(what)s: the clock stood still from %(start)s to %(end)s, "
                            "outside working time; the due time did not move.") % values, None)
    length = (_days(p.paused_days) if e.choice.duration.unit == UNIT_CALENDAR_DAYS
              else _working_time(p.paused))
    return PauseWords(_("%(what)s: the clock stood still from %(start)s to %(end)s, for "
                        "%(length)s; the due time moved from %(before)s to %(after)s.")
                      % {**values, "length": length}, None)


# --- words for values ---------------------------------------------------------------------


def _duration(d: Duration) -> str:
    return duration_words(d.value, d.unit)


def _time(t: time | None) -> str:
    return t.strftime("%H:%M") if t is not None else ""


def _date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _day_label(d: date) -> str:
    return f"{date_format(d, 'l')} {_date(d)}"


def _when(run: Sequence[Day]) -> str:
    first, last = run[0].day, run[-1].day
    return _day_label(first) if first == last else f"{_day_label(first)} – {_day_label(last)}"


def _start_moment(e: Explanation) -> str:
    """Calendar days start at midnight: the day says it; a working time starts at a time."""
    if e.start == Start.NEXT_DAY:
        return _date(local(e.counted_from).date())
    return format_dt(e.counted_from)


def _periods(day: Day) -> str:
    return ", ".join(f"{local(s):%H:%M}–{local(t):%H:%M}" for s, t in day.periods)


def _kind(day: Day) -> str:
    if day.kind == DayKind.WEEKEND:
        return _("weekend")
    if day.kind == DayKind.SWAPPED:
        return (_("a working day in place of a day off (%(name)s)") % {"name": day.name}
                if day.name else _("a working day in place of a day off"))
    if day.kind == DayKind.DAY_OFF:
        return (_("public holiday or day off: %(name)s") % {"name": day.name} if day.name
                else _("day off"))
    return day.name  # a usual working day named by a local override


def _day_off(day: Day) -> str:
    return f"{_day_label(day.day)}, {_kind(day)}"


def _waiting_for(reason: str) -> str:
    return (_("waiting for the payment of the financial obligation") if reason == "payment"
            else _("waiting for a supplement from the applicant"))


def _working_time(span: timedelta) -> str:
    hours, minutes = divmod(int(span.total_seconds()) // 60, 60)
    if not minutes:
        return ngettext("%(n)d working hour", "%(n)d working hours", hours) % {"n": hours}
    if not hours:
        return ngettext("%(n)d working minute", "%(n)d working minutes", minutes) % {
            "n": minutes}
    return _("%(hours)d h %(minutes)02d min of working time") % {"hours": hours,
                                                                "minutes": minutes}


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
