"""What one received dossier contributes to the index (DOMAIN.md §4, §5): its fact.

Pure module: no database. `fact_of` reads a dossier's state (and its pauses) and gives:

- its code, status, unit (handling agency), sector, procedure, channel, receipt and legal due
  time as it stands;
- its end time (the first finishing status, DOMAIN.md §4) and, once ended, its timeliness in
  the vocabulary of `workcalendar.rules` (early, on time, late);
- `stop_at`: the instant until which it counts as "in time" while unfinished. A dossier is in
  time at an instant X (received before X, not ended before X) while X ≤ stop_at, with
  stop_at = min(end, the first moment it was overdue, its second supplement request after
  receipt); None while it is in time with no bound known yet (paused for the applicant before
  its due time).

The first moment overdue: the legal due time (shifted by pauses: supplement time is deducted)
as it stood when the clock was running. A pause begun after the due time had passed does not
make the dossier in time again, even when it restarts the clock; without a legal duration
there is no due time. More than one supplement request after receipt counts the dossier late
from the second one (DOMAIN.md §4, §5).

`contributions` turns a fact into the counters it adds to the monthly rollups; the change of
a dossier moves the rollups by `contributions(new) - contributions(old)`. The digitization
group counts in the month of receipt (4.4: `stored`; 3.3: the online dossiers given a written
result without its electronic one) or of the end (4.1, 4.2: the dossiers ended with a written
result, and those of them with a signed electronic result, or digitized).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from motcua.reporting.periods import month_of
from motcua.workcalendar.rules import WorkCalendar, timeliness

EARLY, ON_TIME, LATE = "early", "on_time", "late"  # rules.TIMELINESS, for finished dossiers
COUNTER, ONLINE, POSTAL = 1, 2, 3  # dossiers.Channel


@dataclass(frozen=True)
class Pause:
    started_at: dt.datetime
    ended_at: dt.datetime | None
    due_before: dt.datetime | None


@dataclass(frozen=True)
class DossierState:
    """The dossier's fields the index reads (dossiers.Dossier)."""

    id: int
    agency_id: int  # the handling (competent) agency
    sector_id: int
    procedure_id: int
    channel: int
    received_at: dt.datetime
    finished_at: dt.datetime | None
    due_at: dt.datetime | None
    paused_at: dt.datetime | None
    code: str = ""
    status: int = 0
    with_result: bool = False  # its outcome is the result asked for (not a refusal)
    written_result: bool = False  # its procedure's result is a written document (catalogue)


@dataclass(frozen=True)
class Fact:
    dossier_id: int
    agency_id: int
    sector_id: int
    procedure_id: int
    channel: int
    received_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: str  # EARLY | ON_TIME | LATE once ended, else ""
    stop_at: dt.datetime | None
    reused: bool
    processing_seconds: int | None
    had_pause: bool
    second_supplement_at: dt.datetime | None
    code: str = ""
    status: int = 0
    due_at: dt.datetime | None = None
    # its applicant identified from the population database or a VNeID-verified account
    # (integration.DossierIdentity; 4.5b), and synced to the national portal
    # (integration.PortalSync; 1.4): set by integration's events, never unset
    identified: bool = False
    synced: bool = False
    with_result: bool = False  # ended with the result asked for (not a refusal)
    written_result: bool = False  # its procedure's result is a written document
    # a signed electronic result (records.ResultSigned; 4.1, 3.3), digitized components and
    # result (records.DossierDigitized; 4.2), a component from or a result to the national
    # personal data store (records.NationalStoreUsed; 4.4): set by records' events, never unset
    e_result: bool = False
    digitized: bool = False
    stored: bool = False

    @property
    def result_due(self) -> bool:
        """Ended with a result that is a written document: 4.1's and 4.2's denominator."""
        return self.ended_at is not None and self.with_result and self.written_result

    @property
    def paper_only(self) -> bool:
        """Given a written result without its signed electronic one: an online dossier of
        these does not count for 3.3 (DOMAIN.md §5)."""
        return self.result_due and not self.e_result


def overdue_from(due_at: dt.datetime | None, paused_at: dt.datetime | None,
                 pauses: Sequence[Pause]) -> dt.datetime | None:
    """The first moment the dossier was overdue, or will be if nothing changes; None when
    unbounded for now (paused in time) or without a legal due time."""
    for pause in sorted(pauses, key=lambda p: p.started_at):
        if pause.due_before is not None and pause.due_before < pause.started_at:
            return pause.due_before  # the due time passed while the clock ran
    if paused_at is not None:
        return None
    return due_at


def outcome_of(ended_at: dt.datetime, due_at: dt.datetime | None, overdue: dt.datetime | None,
               second_supplement_at: dt.datetime | None, calendar: WorkCalendar,
               granularity: str) -> str:
    if second_supplement_at is not None:
        return LATE
    if due_at is None:  # no legal duration: never late
        return ON_TIME
    if overdue is not None and overdue < ended_at:
        return LATE
    return timeliness(ended_at, due_at, ended_at, calendar, granularity)


def paused_seconds(pauses: Iterable[Pause], until: dt.datetime, calendar: WorkCalendar) -> int:
    return sum(calendar.working_seconds_between(p.started_at, min(p.ended_at or until, until))
               for p in pauses if p.started_at < until)


def fact_of(state: DossierState, pauses: Sequence[Pause],
            second_supplement_at: dt.datetime | None, reused: bool, calendar: WorkCalendar,
            granularity: str, *, identified: bool = False, synced: bool = False,
            e_result: bool = False, digitized: bool = False, stored: bool = False) -> Fact:
    overdue = overdue_from(state.due_at, state.paused_at, pauses)
    ended = state.finished_at
    bounds = [t for t in (ended, overdue, second_supplement_at) if t is not None]
    stop = max(min(bounds), state.received_at) if bounds else None
    outcome, seconds = "", None
    if ended is not None:
        outcome = outcome_of(ended, state.due_at, overdue, second_supplement_at, calendar,
                             granularity)
        seconds = max(0, calendar.working_seconds_between(state.received_at, ended)
                      - paused_seconds(pauses, ended, calendar))
    return Fact(
        dossier_id=state.id, agency_id=state.agency_id, sector_id=state.sector_id,
        procedure_id=state.procedure_id, channel=state.channel, received_at=state.received_at,
        ended_at=ended, outcome=outcome, stop_at=stop, reused=reused,
        processing_seconds=seconds, had_pause=bool(pauses) or state.paused_at is not None,
        second_supplement_at=second_supplement_at, code=state.code, status=state.status,
        due_at=state.due_at, identified=identified, synced=synced,
        with_result=ended is not None and state.with_result,
        written_result=state.written_result, e_result=e_result, digitized=digitized,
        stored=stored,
    )


# --- contributions to the rollups ----------------------------------------------------------

FLOW, BALANCE, STATUS, AGENCY_MONTH = "flow", "balance", "status", "agency_month"
# The counters of models.FlowRollup (per agency, sector, procedure and month of the event),
# of models.BalanceRollup (per agency, sector and month: what the prefix sums read) and of
# models.StatusRollup (per agency, sector, month of receipt and status now).
FLOW_COUNTERS = ("received", "received_counter", "received_online", "received_postal",
                 "reused", "identified", "synced", "stored", "online_paper_only",
                 "ended_early", "ended_on_time", "ended_late", "processing_seconds",
                 "results_due", "results_signed", "results_digitized")
# the flags of a fact counted, like "received", in the month of receipt
RECEIVED_FLAGS = ("reused", "identified", "synced", "stored")
BALANCE_COUNTERS = ("received", "ended", "stopped")
STATUS_COUNTERS = ("dossiers",)
AGENCY_MONTH_COUNTERS = (*FLOW_COUNTERS, "ended", "stopped")
CHANNEL_COUNTER = {COUNTER: "received_counter", ONLINE: "received_online",
                   POSTAL: "received_postal"}

FlowKey = tuple[int, int, int, dt.date]  # agency, sector, procedure, month
BalanceKey = tuple[int, int, dt.date]  # agency, sector, month
StatusKey = tuple[int, int, dt.date, int]  # agency, sector, month of receipt, status
Contribution = tuple[str, tuple[object, ...], str]  # table, key, counter


def contributions(fact: Fact | None) -> Counter[Contribution]:
    """The counters `fact` adds to the rollups (empty for None)."""
    out: Counter[Contribution] = Counter()
    if fact is None:
        return out
    unit = (fact.agency_id, fact.sector_id)
    received = month_of(fact.received_at)
    flow_in: tuple[object, ...] = (*unit, fact.procedure_id, received)
    agency_in: tuple[object, ...] = (fact.agency_id, received)
    for table, key in ((FLOW, flow_in), (AGENCY_MONTH, agency_in)):
        out[(table, key, "received")] += 1
        if fact.channel in CHANNEL_COUNTER:
            out[(table, key, CHANNEL_COUNTER[fact.channel])] += 1
        for flag in RECEIVED_FLAGS:
            if getattr(fact, flag):
                out[(table, key, flag)] += 1
        if fact.channel == ONLINE and fact.paper_only:
            out[(table, key, "online_paper_only")] += 1
    out[(BALANCE, (*unit, received), "received")] += 1
    out[(STATUS, (*unit, received, fact.status), "dossiers")] += 1
    if fact.ended_at is not None:
        ended = month_of(fact.ended_at)
        flow_out: tuple[object, ...] = (*unit, fact.procedure_id, ended)
        for table, key in ((FLOW, flow_out), (AGENCY_MONTH, (fact.agency_id, ended))):
            out[(table, key, f"ended_{fact.outcome}")] += 1
            if fact.processing_seconds:
                out[(table, key, "processing_seconds")] += fact.processing_seconds
            if fact.result_due:
                out[(table, key, "results_due")] += 1
                if fact.e_result:
                    out[(table, key, "results_signed")] += 1
                if fact.digitized:
                    out[(table, key, "results_digitized")] += 1
        out[(BALANCE, (*unit, ended), "ended")] += 1
        out[(AGENCY_MONTH, (fact.agency_id, ended), "ended")] += 1
    if fact.stop_at is not None:
        stopped = month_of(fact.stop_at)
        out[(BALANCE, (*unit, stopped), "stopped")] += 1
        out[(AGENCY_MONTH, (fact.agency_id, stopped), "stopped")] += 1
    return out


def delta(old: Fact | None, new: Fact | None) -> dict[Contribution, int]:
    """What moves in the rollups when a dossier's fact goes from `old` to `new`."""
    before, after = contributions(old), contributions(new)
    keys = set(before) | set(after)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}
