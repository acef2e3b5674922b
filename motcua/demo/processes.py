"""The demo's internal processes: published, routed, and running on current dossiers.

`build_demo_processes` is what `load_demo` runs after the historical sample of
`motcua.demo.dossiers` (dossiers received before the processes existed, which keep no process):

1. publishes the bundled process files (`processing/data/processes`, through the same
   `publish_process` as `manage.py load_processes`), in force from `process_day(now)`, ten
   working days back. The files name their own date (2025-07-01, which `load_processes` keeps),
   so the date is passed explicitly: no historical dossier was received on or after it.
2. adds the deployment's StepAgency rules the engine needs for the ambiguous agency kinds of
   the bundled processes: steps `ca_*` at the police, `bhxh_*` at social insurance, `thue_*` at
   tax (the three are `sector` agencies), `vpdk_*` at the Department of Agriculture and
   Environment (land registration office). Without them every `sector` step would go to the
   sector agency with the lowest code (the police), social insurance steps included.
3. receives ~60 "current" dossiers at the counters over the last eight working days and drives
   them through their steps with `pactions.claim` / `assign` / `act` at working-hours
   times in the past, by demo accounts the engine allows (checked with `allowed_actions` before
   every action). Each dossier is planned backwards from `now`, so that whatever the time the
   demo is loaded, the accounts' worklists have items in every view: assigned to me, unit queue,
   due within one working day, late, waiting for the applicant (supplement, payment), handed
   to another agency (2.000986 at the police, 2.001023 and 2.000986 at social insurance), plus
   dossiers finished through every step and results waiting at the counter.
4. runs one escalation pass at the real `now`: warnings, notifications, "escalate" events.

Only agencies with demo accounts handle the current dossiers: the People's Committees of Hoa Lư
and Nam Định (specialist, head, leader), the provincial police (specialist, head: the head acts
on the leader's steps, since heads and leaders may act on any step of their agency), and the
counters of the provincial, Hoa Lư and Nam Định centers. Social insurance has no demo account:
dossiers handed to it stay there (handed over, in nobody's queue but the escalation's).

Idempotent: nothing is added when current dossiers exist (marked `form_data.demo_process`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.demo.dossiers import DAY, HOUR, SUPPLEMENT_NOTES, _Demo, _Place, working_before
from motcua.dossiers import actions as dactions
from motcua.dossiers import policy
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.routing import competent_agency, place_form_data, receivable_at
from motcua.org.models import AdministrativeUnit, Agency, Role, User
from motcua.org.selectors import roles_at
from motcua.processing import actions as pactions
from motcua.processing import definition as defn
from motcua.processing import escalation, permissions, selectors
from motcua.processing.loader import DEFAULT_DIR, LoadReport, load_processes
from motcua.processing.models import Process, StepAgency, StepInstance
from motcua.workcalendar.rules import TZ, WorkCalendar
from motcua.workcalendar.service import get_calendar

PROCESS_MARK = "demo_process"  # form_data key of the current dossiers
LEAD = 9 * DAY  # the processes are in force from the day this much working time before now
WINDOW = 8 * DAY  # the current dossiers are received in the last eight working days
MINUTE = 60

# (step key pattern, agency kind, short name of the demo province's agency)
STEP_AGENCY_RULES = (
    ("ca_*", Agency.Kind.SECTOR, "CA"),
    ("bhxh_*", Agency.Kind.SECTOR, "BHXH"),
    ("thue_*", Agency.Kind.SECTOR, "Thuế"),
    ("vpdk_*", Agency.Kind.DEPARTMENT, "SNNMT"),
)

NOTES = {
    "forward": ["Hồ sơ hợp lệ, chuyển bước tiếp theo", "Đã kiểm tra, đủ điều kiện",
                "Đã thẩm định, trình ký", "Đồng ý, chuyển xử lý tiếp"],
    "handover": ["Chuyển liên thông theo quy định", "Đã lập hồ sơ, chuyển cơ quan liên thông"],
    "sign": ["Đã ký kết quả", "Lãnh đạo đã ký, đóng dấu"],
    "approve": ["Đã duyệt kết quả, chuyển trả", "Phê duyệt, chuyển về bộ phận một cửa"],
    "finish": ["Đã trả kết quả cho người yêu cầu", "Người yêu cầu đã nhận kết quả, ký sổ"],
    "return": ["Đề nghị thẩm định lại, làm rõ thông tin trong tờ khai",
               "Dự thảo kết quả chưa đúng mẫu, đề nghị chỉnh sửa"],
}
STEP_REFUSALS = [
    "Người yêu cầu không đủ điều kiện theo quy định",
    "Giấy tờ chứng minh không hợp lệ, đã thông báo lý do cho người yêu cầu",
]
PAYMENT_REASON = "Phí, lệ phí theo quy định"
SAME_DAY = ("1.001193", "2.000815", "2.000884", "1.000656", "2.000635")
FEES = ("2.000815", "2.000884", "2.000635", "1.001612")


# ---- the processes and their routing -----------------------------------------------------------


def process_day(now: dt.datetime) -> dt.date:
    """The day the demo's processes take effect: ten working days back (LEAD of working time
    before `now`, counted to the start of that day)."""
    return working_before(get_calendar(), now, LEAD).astimezone(TZ).date()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=TZ)


def first_process_day() -> dt.date | None:
    """The earliest day a published process is in force, if any is published."""
    return Process.objects.order_by("effective_from").values_list(
        "effective_from", flat=True).first()


def publish_processes(effective_from: dt.date, *, directory: Path | str = DEFAULT_DIR,
                      today: dt.date | None = None) -> LoadReport:
    """`manage.py load_processes`, with each procedure's first version in force from
    `effective_from` (not the file's own date) and a changed definition from `today`."""
    return load_processes(directory, effective_from=today or timezone.localdate(),
                          first_versions_from=effective_from)


def ensure_step_agencies(province: AdministrativeUnit) -> list[str]:
    """The StepAgency rules of STEP_AGENCY_RULES (kept when an administrator set them)."""
    created = []
    for key, kind, short in STEP_AGENCY_RULES:
        agency = Agency.objects.filter(unit=province, kind=kind, short_name=short,
                                       is_active=True).first()
        if agency is None:
            continue
        _rule, new = StepAgency.objects.get_or_create(procedure=None, step_key=key,
                                                      defaults={"agency": agency})
        if new:
            created.append(f"{key} → {agency.short_name} ({agency.code})")
    return created


# ---- the current dossiers: what each one shows ------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """Where a current dossier ends up.

    place: the applicant's commune ("hoalu", "namdinh"); "police" for police procedures (an
      applicant of either commune). receiving: "own" (the commune's center), "province", or
      "other" (the other commune's center: Decree 118, file anywhere).
    stop: the step the dossier stops at: "first", "last" (returning the result), "end" (done),
      "role:<role>" (the first step of that role at the competent agency), "key:<step key>".
    final: what happens at that step: "queue" (nothing), "mine" (claimed), "supplement" /
      "payment" (asked for; the step waits), "head_supplement" (the head, reviewing, asks the
      applicant at the dossier level), "returned" (sent back; it goes to who did it), "refused",
      "ready" (result at the counter), "done" (returned to the applicant).
    timing: when the open step is due: "ok" (later than one working day), "due_soon",
      "late", "any".
    extra: a round trip in the history: "supplement", "payment", "return".
    """

    place: str
    codes: tuple[str, ...]
    stop: str
    final: str
    timing: str = "any"
    receiving: str = "own"
    extra: str = ""


S = Scenario
# One of each situation the demo must show, whatever the count (see the module docstring).
REQUIRED: tuple[Scenario, ...] = (
    # Hoa Lư: the counter, the specialist, the head, the leader, inter-agency, finished
    S("hoalu", SAME_DAY, "first", "queue", "due_soon"),
    S("hoalu", SAME_DAY, "first", "queue", "late", receiving="province"),
    S("hoalu", ("1.013225", "1.001731"), "role:specialist", "queue", "ok"),
    S("hoalu", ("1.004873", "1.004837", "2.002481"), "role:specialist", "queue", "due_soon"),
    S("hoalu", SAME_DAY, "role:specialist", "queue", "late"),
    S("hoalu", ("1.004837", "2.000720", "1.004873"), "role:specialist", "mine", "due_soon"),
    S("hoalu", ("1.001570", "2.000720", "2.002481"), "role:specialist", "mine", "late"),
    S("hoalu", ("1.013225",), "role:specialist", "mine", "ok"),
    S("hoalu", ("1.004873", "1.001193", "1.001731"), "role:specialist", "supplement"),
    S("hoalu", FEES[:3], "role:specialist", "payment"),
    S("hoalu", ("1.001731", "1.001570", "2.000720"), "role:head", "returned"),
    S("hoalu", ("1.001570", "2.000720"), "role:head", "queue", "due_soon"),
    S("hoalu", ("1.001731", "2.000720"), "role:head", "queue", "late"),
    S("hoalu", ("1.013225", "1.001731"), "role:head", "mine", "due_soon"),
    S("hoalu", ("1.001731", "2.000720", "1.001570"), "role:head", "head_supplement"),
    S("hoalu", SAME_DAY, "role:leader", "queue", "due_soon"),
    S("hoalu", ("1.004837", "1.004873", "1.001731"), "role:leader", "mine", "late"),
    S("hoalu", SAME_DAY, "last", "ready", "due_soon"),
    S("hoalu", ("1.004873", "1.001731", "2.000720"), "last", "mine", "late"),
    S("hoalu", ("2.000986",), "key:ca_tham_dinh", "queue", "due_soon"),
    S("hoalu", ("2.000986",), "key:ca_tham_dinh", "mine", "ok", receiving="province"),
    S("hoalu", ("2.001023",), "key:bhxh_cap_the", "queue"),
    S("hoalu", ("2.000986",), "key:ca_phe_duyet", "queue", "late"),
    S("hoalu", ("2.000986",), "key:bhxh_cap_the", "queue"),
    S("hoalu", SAME_DAY, "end", "done"),
    S("hoalu", ("1.004873", "1.001731", "2.000720"), "end", "done", extra="supplement"),
    S("hoalu", FEES[:3], "end", "done", receiving="province", extra="payment"),
    S("hoalu", ("1.001570", "1.001731"), "end", "done", extra="return"),
    S("hoalu", ("1.001193", "1.004873"), "role:specialist", "refused"),
    # Nam Định
    S("namdinh", SAME_DAY, "first", "queue", "due_soon"),
    S("namdinh", ("1.004873", "1.004837", "2.002481"), "role:specialist", "queue", "due_soon"),
    S("namdinh", ("2.000720", "1.001570"), "role:specialist", "mine", "late"),
    S("namdinh", ("1.004873", "1.004837"), "role:specialist", "supplement"),
    S("namdinh", ("1.001731", "2.000720"), "role:head", "queue", "late"),
    S("namdinh", SAME_DAY, "role:leader", "queue"),
    S("namdinh", ("1.013225", "1.001731"), "role:head", "mine", "due_soon"),
    S("namdinh", SAME_DAY, "last", "ready", receiving="other"),
    S("namdinh", SAME_DAY + ("1.004873",), "end", "done"),
    # the provincial police
    S("police", ("1.004194", "1.014061", "1.003197"), "role:specialist", "queue", "due_soon"),
    S("police", ("1.004222", "1.003197"), "role:specialist", "mine", "ok"),
    S("police", ("1.004194", "1.010038"), "role:specialist", "mine", "late"),
    S("police", ("1.004222", "1.004194"), "role:specialist", "supplement"),
    S("police", ("3.000347", "3.000333"), "role:head", "queue", "due_soon", receiving="province"),
    S("police", ("1.004194", "1.003197"), "role:leader", "queue", "late"),
    S("police", ("1.004194", "1.010038", "1.014061"), "end", "done"),
    S("police", ("1.004194",), "last", "ready"),
)

def _duration_case(plan: _Plan) -> tuple[str, str]:
    """A construction permit's legal duration depends on the works (15 days for an individual
    house, 20 for grade III/IV works): the officer records the case at receipt, with a reason.
    Chosen without the random generator, so that the other dossiers stay as they were."""
    if plan.procedure.code != "1.013225":
        return "", ""
    if plan.scenario.stop == "role:specialist":
        return "grade_iii_iv_works", "Công trình cấp III theo hồ sơ thiết kế kèm theo"
    return "individual_house", "Nhà ở riêng lẻ của hộ gia đình"


COMMUNE_CODES = SAME_DAY + ("1.004873", "1.004837", "2.002481", "2.000720", "1.001570",
                            "1.001731", "1.013225", "2.000908")
HEADED = ("1.001731", "1.001570", "2.000720", "1.013225")
POLICE_CODES = ("1.004194", "1.004222", "1.003197", "1.010038", "1.014061", "3.000347")
# (weight, scenario) for the dossiers after the required ones
RANDOM: tuple[tuple[int, Scenario], ...] = (
    (14, S("hoalu", COMMUNE_CODES, "end", "done")),
    (4, S("hoalu", COMMUNE_CODES, "end", "done", extra="supplement")),
    (3, S("hoalu", HEADED, "end", "done", extra="return")),
    (6, S("namdinh", COMMUNE_CODES, "end", "done")),
    (5, S("police", POLICE_CODES, "end", "done")),
    (5, S("hoalu", COMMUNE_CODES, "role:specialist", "queue")),
    (5, S("hoalu", COMMUNE_CODES, "role:specialist", "mine")),
    (3, S("namdinh", COMMUNE_CODES, "role:specialist", "mine")),
    (3, S("police", POLICE_CODES, "role:specialist", "mine")),
    (3, S("hoalu", HEADED, "role:head", "queue")),
    (3, S("hoalu", COMMUNE_CODES, "role:leader", "queue")),
    (2, S("hoalu", COMMUNE_CODES, "role:specialist", "supplement")),
    (3, S("hoalu", COMMUNE_CODES, "last", "ready")),
    (2, S("namdinh", COMMUNE_CODES, "last", "ready", receiving="province")),
    (2, S("hoalu", COMMUNE_CODES, "first", "queue", receiving="other")),
    (2, S("hoalu", ("2.000986",), "key:ca_tham_dinh", "mine")),
)


# ---- planning a dossier backwards from now ----------------------------------------------------


@dataclass
class _Move:
    """An action that ends a step of the path, `elapsed` working seconds after it started
    (`pause`: working seconds the applicant took, for a round trip)."""

    step: defn.StepDef
    action: str
    elapsed: int
    claim: int  # working seconds after the step started when it was claimed
    round_trip: str = ""  # "supplement" | "payment"
    asked: int = 0  # when the round trip was asked, after the step started
    pause: int = 0


@dataclass
class _Plan:
    scenario: Scenario
    procedure: Procedure
    process: Process
    form_data: dict[str, Any]
    moves: list[_Move]
    final: defn.StepDef | None
    t0: dt.datetime = field(default_factory=timezone.now)
    final_start: dt.datetime | None = None
    final_at: int = 0  # working seconds after the final step started: claim or request


MAIN = ("forward", "handover", "sign", "approve", "finish")


def _main_action(step: defn.StepDef) -> str:
    return next(a for a in MAIN if a in step.actions)


def _matches(step: defn.StepDef, stop: str) -> bool:
    if stop.startswith("role:"):
        return step.role == stop[5:] and step.agency == "competent"
    if stop.startswith("key:"):
        return step.key == stop[4:]
    return False


def _walk(process: defn.ProcessDef, stop: str, data: dict[str, Any], *, detour: bool
          ) -> tuple[list[tuple[defn.StepDef, str]], defn.StepDef | None] | None:
    """The path from the start to the `stop` step (its moves, the open step), None when the
    process has no such step. `detour`: the first step that can return does so once."""
    step = process.start
    moves: list[tuple[defn.StepDef, str]] = []
    returned = not detour
    if stop == "first":
        return moves, step
    for _i in range(3 * len(process.steps) + 2):
        if _matches(step, stop):
            return moves, step
        if stop == "last" and moves and moves[-1][1] in ("sign", "approve"):
            return moves, step
        if not returned and "return" in step.actions and step.role in ("head", "leader"):
            returned = True
            moves.append((step, "return"))
            step = process.step(step.next_step("return", data) or "")
            continue
        action = _main_action(step)
        moves.append((step, action))
        if action == "finish":
            return (moves, None) if stop == "end" else None
        target = step.next_step(action, data)
        if target is None:
            return None
        step = process.step(target)
    return None


class _Builder:
    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now
        self.cal: WorkCalendar = get_calendar()
        self.demo = _Demo(rng, now)
        self.window_start = working_before(self.cal, now, WINDOW)
        self.processes: dict[str, Process] = {}
        for process in Process.objects.filter(agency_kind="").select_related("procedure") \
                .order_by("procedure_id", "-number"):
            self.processes.setdefault(process.procedure.code or "", process)

    # ---- time ----

    def add(self, t: dt.datetime, seconds: float) -> dt.datetime:
        return self.cal.add_working_seconds(t, max(0, int(seconds)))

    def back(self, t: dt.datetime, seconds: float) -> dt.datetime:
        return self.cal.next_working_moment(working_before(self.cal, t, seconds))

    def left(self, t: dt.datetime) -> int:
        return self.cal.working_seconds_between(t, self.now)

    def moment(self, t: dt.datetime) -> dt.datetime:
        """A working moment (a period's end is not one: the next period's start), never after
        `now`."""
        m = self.cal.next_working_moment(t)
        if m > self.now:
            m = self.back(self.now, MINUTE)
        return m

    # ---- planning ----

    def plan(self, sc: Scenario) -> _Plan | None:
        rng = self.rng
        codes = [c for c in sc.codes if c in self.processes]
        rng.shuffle(codes)
        for code in codes:
            process = self.processes[code]
            parsed = process.parsed
            form_data: dict[str, Any] = {PROCESS_MARK: True}
            if rng.random() < 0.25:
                form_data["can_xac_minh"] = True  # a verification step where there is one
            data = {"form_data": form_data}
            detour = sc.extra == "return" or (sc.final == "done" and rng.random() < 0.1)
            found = _walk(parsed, sc.stop, data, detour=detour)
            if found is None:
                continue
            path, final = found
            if sc.final == "returned":
                if final is None or "return" not in final.actions:
                    continue
                path = [*path, (final, "return")]
                final = parsed.step(final.next_step("return", data) or "")
            moves = [self.move(step, action, sc, process.procedure) for step, action in path]
            if sc.extra in ("supplement", "payment") and not any(m.round_trip for m in moves):
                continue  # no step of this process asks the applicant
            return _Plan(sc, process.procedure, process, form_data, moves, final)
        return None

    def move(self, step: defn.StepDef, action: str, sc: Scenario, procedure: Procedure
             ) -> _Move:
        rng = self.rng
        allot = int(step.hours * HOUR)
        late = rng.random() < 0.12 and step.role != "one_stop_officer"
        share = rng.uniform(1.1, 1.8) if late else rng.uniform(0.2, 0.85)
        elapsed = max(3 * MINUTE, int(allot * share))
        claim = int(elapsed * rng.uniform(0.05, 0.35))
        m = _Move(step, action, elapsed, claim)
        asks = "request_supplement" in step.actions and action != "return"
        if asks and sc.extra in ("supplement", "payment"):
            fee = _fee(procedure)
            kind = sc.extra if sc.extra == "supplement" or fee else "supplement"
            m.round_trip = kind
            m.asked = max(claim + MINUTE, int(elapsed * rng.uniform(0.3, 0.7)))
            m.pause = int(rng.uniform(2 * HOUR, 1.5 * DAY) if kind == "supplement"
                          else rng.uniform(0.5 * HOUR, 0.8 * DAY))
        return m

    def schedule(self, plan: _Plan) -> None:
        """Place the plan in time: the open step's start from the wanted timing, the receipt
        before it; or, for a finished dossier, anywhere in the window."""
        rng, sc = self.rng, plan.scenario
        total = sum(m.elapsed + m.pause for m in plan.moves)
        window = self.left(self.window_start)
        if plan.final is None:  # finished
            total = self.fit(plan, window - 30 * MINUTE)
            slack = rng.uniform(0.1, 1) * max(0, window - total - 15 * MINUTE)
            plan.t0 = self.back(self.now, total + slack)
            return
        allot = int(plan.final.hours * HOUR)
        if sc.final in ("supplement", "payment", "head_supplement", "refused"):
            since = int(rng.uniform(0.3, 2.5) * DAY)  # the request was made a while ago
            at = int(min(allot, since) * rng.uniform(0.3, 0.9))
            plan.final_start = self.back(self.now, since + at)
            plan.final_at = at
        else:
            timing = sc.timing
            if timing == "any":
                timing = rng.choices(["ok", "due_soon", "late"], weights=[4, 4, 2])[0]
            if timing == "ok" and allot <= DAY + HOUR:
                timing = "due_soon"
            if timing == "late":
                lateness = rng.uniform(0.25, 1.5) * DAY
                lateness = min(lateness, max(HOUR, window - allot - total // 3 - HOUR))
                before_now = allot + lateness
            elif timing == "ok":
                before_now = allot - rng.uniform(DAY + 0.5 * HOUR, allot - 0.2 * HOUR)
            else:
                before_now = allot - rng.uniform(0.3, 0.85) * min(allot, DAY)
            before_now = max(2 * MINUTE, before_now)
            plan.final_start = self.back(self.now, before_now)
            plan.final_at = int(self.left(plan.final_start) * rng.uniform(0.1, 0.6))
        room = self.cal.working_seconds_between(self.window_start, plan.final_start)
        if room < HOUR:  # the timing asked for more than the window: start it later
            plan.final_start = self.add(self.window_start, HOUR)
            room = HOUR
        total = self.fit(plan, room - 5 * MINUTE)
        plan.t0 = self.back(plan.final_start, total)

    def fit(self, plan: _Plan, room: int) -> int:
        """Shrink the moves' working times so that they fit in `room` working seconds."""
        total = sum(m.elapsed + m.pause for m in plan.moves)
        if total > room > 0:
            ratio = room / total
            for m in plan.moves:
                m.elapsed = max(2 * MINUTE, int(m.elapsed * ratio))
                m.claim = min(m.claim, m.elapsed // 3)
                m.pause = int(m.pause * ratio)
                if m.round_trip:
                    m.asked = max(m.claim + 30, min(m.asked, m.elapsed // 2))
            total = sum(m.elapsed + m.pause for m in plan.moves)
        return total

    # ---- doing it ----

    def place_of(self, sc: Scenario) -> _Place:
        key = sc.place if sc.place != "police" else self.rng.choice(["hoalu", "namdinh"])
        return self.demo.places[key][0]

    def receiving_of(self, sc: Scenario, place: _Place) -> Agency:
        if sc.receiving == "province":
            return self.demo.province_center
        if sc.receiving == "other":
            other = "namdinh" if place.key == "hoalu" else "hoalu"
            center = self.demo.places[other][0].center
            return center or self.demo.province_center
        return place.center or self.demo.province_center

    def run(self, plan: _Plan) -> Dossier:
        sc = plan.scenario
        place = self.place_of(sc)
        receiving = self.receiving_of(sc, place)
        version = plan.procedure.version_on(plan.t0.astimezone(TZ).date())
        assert version is not None
        components = [
            dactions.ComponentInput(requirement_id=c.pk, copies=c.quantity or 1, is_paper=True)
            for c in version.components.all() if c.required or self.rng.random() < 0.25
        ]
        form_data = {**plan.form_data, **place_form_data(version, place.unit.code)}
        routed = competent_agency(version, receiving, place.unit, place=place.unit)
        if not receivable_at(version, receiving, routed):  # not on the boundary list
            receiving = next(c for c in (place.center, self.demo.province_center)
                             if c is not None and receivable_at(version, c, routed))
        sub = dactions.Submission(
            procedure_code=plan.procedure.code or "", receiving_agency=receiving,
            applicant=self.demo.person(place), components=components,
            form_data=form_data, channel=Channel.COUNTER,
        )
        officer = self.demo.officers(receiving)[0]
        assert policy.can_intake(officer, receiving.pk)
        t = self.moment(plan.t0)
        case, reason = _duration_case(plan)
        d = dactions.intake_at_counter(sub, officer=officer, now=t, duration_case=case,
                                       duration_reason=reason)
        if d.dispatch_reason:  # no data tells the competent agency: the officer routes it
            pc = Agency.objects.get(kind=Agency.Kind.COMMUNE_PC, unit=place.unit)
            assert policy.can_act(officer, d, "route")
            d = dactions.perform(d, "route", officer, now=t, to_agency=pc,
                                 reason=f"Sổ gốc lưu tại {pc.name}")
        step: StepInstance | None = StepInstance.objects.get(dossier=d,
                                                             finished_at__isnull=True)
        for m in plan.moves:
            assert step is not None and step.key == m.step.key, (d.code, step, m.step.key)
            start = t
            step = self.claim(step, self.moment(self.add(start, m.claim)))
            if m.round_trip:
                asked = self.moment(self.add(start, m.asked))
                self.round_trip(d, step, m, asked)
                resumed = self.moment(self.add(asked, m.pause))
                self.answer(d, m.round_trip, resumed)
                t = self.moment(self.add(resumed, max(MINUTE, m.elapsed - m.asked)))
            else:
                t = self.moment(self.add(start, m.elapsed))
            step = self.act(step, m.action, t)
        if plan.final is not None:
            assert step is not None and step.key == plan.final.key, (d.code, step, plan.final)
            self.finish_plan(d, step, plan)
        return d

    def finish_plan(self, d: Dossier, step: StepInstance, plan: _Plan) -> None:
        final = plan.scenario.final
        at = self.moment(self.add(step.started_at, plan.final_at))
        if final in ("queue", "ready", "returned"):
            return
        step = self.claim(step, self.moment(self.add(step.started_at, plan.final_at // 3))
                          if final != "mine" else at)
        if final == "supplement":
            self.act(step, "request_supplement", at, items=self.missing(d),
                     reason="Cần bổ sung giấy tờ để giải quyết")
        elif final == "payment":
            self.act(step, "request_payment", at, amount_vnd=_fee(plan.procedure) or 50_000,
                     reason=PAYMENT_REASON)
        elif final == "head_supplement":
            d.refresh_from_db()
            actor = step.assignee
            assert actor is not None and policy.can_act(actor, d, "request_supplement")
            dactions.perform(d, "request_supplement", actor, items=self.missing(d),
                                        reason="Lãnh đạo phòng xem xét: cần bổ sung giấy tờ",
                                        now=at)
        elif final == "refused":
            self.act(step, "refuse", at, reason=self.rng.choice(STEP_REFUSALS))

    # ---- the engine, by allowed demo accounts ----

    def staff(self, agency_id: int, role: str) -> list[User]:
        return self.demo.staff.get(agency_id, {}).get(role, [])

    def claim(self, step: StepInstance, at: dt.datetime) -> StepInstance:
        """Claim the step if it is in the queue and someone holds its role there (heads act on
        the steps of roles nobody holds, e.g. the police's leader steps, without claiming)."""
        if step.assignee_id is not None:
            return step
        for user in self.staff(step.agency_id, step.role):
            if "claim" in permissions.allowed_actions(user.pk, step, roles_at(user,
                                                                             step.agency_id),
                                                 None):
                return pactions.claim(step, user=user, now=at).step
        return step

    def actor(self, step: StepInstance, action: str) -> User:
        step_def = step.run.process.parsed.step(step.key)
        candidates: list[User] = []
        if step.assignee is not None:
            candidates.append(step.assignee)
        candidates += self.staff(step.agency_id, Role.HEAD) + self.staff(step.agency_id,
                                                                          Role.LEADER)
        for user in candidates:
            roles = roles_at(user, step.agency_id)
            if action in permissions.allowed_actions(user.pk, step, roles, step_def):
                return user
        raise AssertionError(f"no demo account may {action} step {step.key} of dossier "
                             f"{step.dossier_id} at {step.agency.code}")

    def act(self, step: StepInstance, action: str, at: dt.datetime, **kw: Any
            ) -> StepInstance | None:
        step = StepInstance.objects.select_related("run__process", "agency", "assignee") \
            .get(pk=step.pk)
        actor = self.actor(step, action)
        if action in NOTES and "note" not in kw and "reason" not in kw:
            kw["note"] = self.rng.choice(NOTES[action])
        return pactions.act(step, action, actor=actor, now=at, **kw).next_step

    def round_trip(self, d: Dossier, step: StepInstance, m: _Move, at: dt.datetime) -> None:
        if m.round_trip == "payment":
            self.act(step, "request_payment", at, amount_vnd=_fee(d.procedure) or 50_000,
                     reason=PAYMENT_REASON)
        else:
            self.act(step, "request_supplement", at, items=self.missing(d),
                     reason="Cần bổ sung giấy tờ để giải quyết")

    def answer(self, d: Dossier, kind: str, at: dt.datetime) -> None:
        """The applicant brings the papers (or pays) at the receiving counter."""
        d.refresh_from_db()
        action = "receive_supplement" if kind == "supplement" else "confirm_payment"
        officer = next(u for u in self.demo.officers(d.receiving_agency)
                       if policy.can_act(u, d, action))
        if kind == "supplement":
            dactions.perform(d, "receive_supplement", officer, note="Người yêu cầu đã bổ sung",
                                        now=at)
        else:
            dactions.perform(d, "confirm_payment", officer, now=at,
                                     reference=f"BL-{self.rng.randrange(10**6):06d}")

    def missing(self, d: Dossier) -> list[dict[str, str]]:
        names = [c.name for c in d.components.all()] or ["Tờ khai"]
        picked = self.rng.sample(names, k=min(len(names), self.rng.choice([1, 1, 2])))
        return [{"name": n.split(" (")[0][:160], "note": self.rng.choice(SUPPLEMENT_NOTES)}
                for n in picked]


def _fee(procedure: Procedure) -> int:
    version = procedure.version_on(timezone.localdate())
    if version is None:
        return 0
    amounts = [f.amount_vnd for f in version.fees.all() if f.amount_vnd]
    return max(amounts) if amounts else 0


# ---- entry points ------------------------------------------------------------------------------


def current_dossiers():
    return Dossier.objects.filter(**{f"form_data__{PROCESS_MARK}": True})


def build_current_dossiers(count: int = 60, *, seed: int = 2026,
                           now: dt.datetime | None = None) -> dict[str, Any]:
    """Receive `count` current dossiers and drive them through their process steps (all or
    nothing), unless there are some already. Needs the published processes."""
    started = time.monotonic()
    if count <= 0 or current_dossiers().exists():
        return {"created": 0, "seconds": 0.0}
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)
    finals: Counter[str] = Counter()
    with transaction.atomic():
        builder = _Builder(rng, now)
        scenarios: list[Scenario] = list(REQUIRED[:count])
        weights = [w for w, _s in RANDOM]
        scenarios += [rng.choices([s for _w, s in RANDOM], weights=weights)[0]
                      for _i in range(count - len(scenarios))]
        for sc in scenarios:
            plan = builder.plan(sc)
            if plan is None:
                raise RuntimeError(f"no published process fits the demo scenario {sc}")
            builder.schedule(plan)
            builder.run(plan)
            finals[sc.final] += 1
    return {"created": len(scenarios), "finals": dict(finals),
            "seconds": round(time.monotonic() - started, 2)}


def build_demo_processes(count: int = 60, *, seed: int = 2026, now: dt.datetime | None = None,
                         effective_from: dt.date | None = None) -> dict[str, Any]:
    """Publish the processes (from `effective_from`, default `process_day(now)`), the
    StepAgency rules, the current dossiers and one escalation pass. Idempotent."""
    now = (now or timezone.now()).replace(microsecond=0)
    day = effective_from or first_process_day() or process_day(now)
    report = publish_processes(day, today=now.astimezone(TZ).date())
    province = _demo_province()
    rules = ensure_step_agencies(province)
    current = build_current_dossiers(count, seed=seed, now=now)
    sent = escalation.run_pass(now) if current["created"] else {}
    return {"effective_from": day, "processes": report, "rules": rules, "current": current,
            "escalations": sent}


def _demo_province() -> AdministrativeUnit:
    from motcua.demo.dossiers import DEMO_PROVINCE

    return AdministrativeUnit.objects.get(code=DEMO_PROVINCE, level="province")


def worklist_counts(now: dt.datetime | None = None,
                    usernames: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """Every active staff account's worklist counts (those with any item), by view."""
    now = now or timezone.now()
    users = User.objects.filter(kind=User.Kind.STAFF, is_active=True).order_by("id")
    if usernames is not None:
        users = users.filter(username__in=list(usernames))
    counts = {}
    for user in users:
        page = selectors.worklist(user, view="mine", limit=1, now=now)
        if any(page.counts.values()):
            counts[user.username] = page.counts
    return counts


def summary(now: dt.datetime | None = None) -> dict[str, Any]:
    dossiers = current_dossiers()
    ids = list(dossiers.values_list("pk", flat=True))
    steps = StepInstance.objects.filter(dossier_id__in=ids)
    return {
        "total": len(ids),
        "by_status": dict(Counter(dossiers.values_list("status", flat=True))),
        "steps": steps.count(),
        "open_steps": steps.filter(finished_at__isnull=True).count(),
        "handed_over": steps.filter(finished_at__isnull=True,
                                    handed_over_by__isnull=False).count(),
        "worklists": worklist_counts(now),
    }


def format_report(result: dict[str, Any]) -> list[str]:
    current = result["current"]
    lines = [
        f"Internal processes: {result['processes']} (first versions in force from "
        f"{result['effective_from'].isoformat()})",
    ]
    if result["rules"]:
        lines.append("  step agency rules: " + ", ".join(result["rules"]))
    info = summary()
    created = current.get("created", 0)
    lines.append(
        f"Current dossiers (with a process): {info['total']} ({created} created now"
        + (f", in {current['seconds']} s" if created else "") + f"), {info['steps']} steps, "
        f"{info['open_steps']} open, {info['handed_over']} at another agency"
    )
    statuses = ", ".join(f"{Status(s).portal} {n}" for s, n in sorted(info["by_status"].items()))
    lines.append(f"  by status: {statuses}")
    if result["escalations"]:
        lines.append("  escalation pass: " + ", ".join(
            f"{k} {v}" for k, v in result["escalations"].items()))
    lines.append("  worklists (mine/queue/due_soon/late/waiting/handed_over):")
    for username, counts in info["worklists"].items():
        lines.append(f"    {username:<20} " + " ".join(
            f"{counts[v]:>3}" for v in selectors.VIEWS))
    return lines
