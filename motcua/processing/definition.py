"""Internal processes as data: parse and validate a process definition (pure, no database).

A definition is a dict (from a YAML file, or converted from BPMN 2.0 by `bpmn.py`):

    procedure: "1.001193"          # national code
    name: "Đăng ký khai sinh"
    agency_kind: commune_pc        # optional: a variant for dossiers handled by this kind
    steps:                         # the first step is the start
      - key: check                 # [a-z0-9_]+, unique
        name: "Thẩm định hồ sơ"
        role: specialist           # org.Role value
        agency: competent          # receiving | competent | <agency kind> | code:<agency code>
        hours: 8                   # time allotment in working hours (> 0)
        actions:                   # action -> target(s); see ACTIONS
          forward: sign                             # one target
          return: check
          request_supplement: null                  # no target: the step waits, then resumes
      - key: sign
        ...
        actions:
          forward:                                  # branches: first matching `when` wins
            - to: tax
              when: {field: "form_data.has_land", equals: true}
            - to: approve                           # no `when`: the default branch
          handover: tax                             # to a step of another agency (liên thông)

Actions and their effect on the dossier (applied by the engine):
  forward, return      move to the target step
  handover             move to a step at another agency; the dossier becomes inter-agency (0)
  request_supplement   the dossier waits for the applicant (5); the same step resumes
  refuse               a reasoned refusal to resolve (9, Form 03); no target
  approve, sign        the result is ready (9); target: the step that returns it (or none)
  finish               the result is returned (10); no target

Validation: unique keys, known roles/actions/agency selectors, every target exists, every step
is reachable from the start, every step can reach an end (approve/sign/finish/refuse), and the
longest forward path's allotments fit in the statutory duration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ROLES = ("one_stop_officer", "specialist", "head", "leader", "admin", "auditor")
AGENCY_KINDS = (
    "province_pc", "pc_office", "department", "province_center", "commune_center",
    "commune_pc", "sector",
)
MOVES = ("forward", "return", "handover")
ACTIONS = (*MOVES, "request_supplement", "refuse", "approve", "sign", "finish")
ENDING = ("refuse", "approve", "sign", "finish")  # actions that can end the process
NO_TARGET = ("refuse", "finish")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPERATORS = ("equals", "not_equals", "in", "exists", "gt", "lt")
MAX_STEPS = 60


class DefinitionError(ValueError):
    """The definition is not valid; `problems` lists every reason, for the author."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: Any = None

    def matches(self, data: Mapping[str, Any]) -> bool:
        found, actual = _lookup(data, self.field)
        if self.operator == "exists":
            return found and actual not in (None, "", [], {})
        if not found:
            return self.operator == "not_equals"
        if self.operator == "equals":
            return bool(actual == self.value)
        if self.operator == "not_equals":
            return bool(actual != self.value)
        if self.operator == "in":
            return actual in self.value
        try:
            return bool(actual > self.value if self.operator == "gt" else actual < self.value)
        except TypeError:
            return False


@dataclass(frozen=True)
class Branch:
    to: str | None
    when: Condition | None = None


@dataclass(frozen=True)
class StepDef:
    key: str
    name: str
    role: str
    agency: str
    hours: float
    actions: dict[str, tuple[Branch, ...]] = field(default_factory=dict)

    def targets(self, action: str) -> tuple[Branch, ...]:
        return self.actions.get(action, ())

    def is_conditional(self, action: str) -> bool:
        """Whether a branch of `action` has a condition on the dossier's data."""
        return any(branch.when is not None for branch in self.targets(action))

    def next_step(self, action: str, data: Mapping[str, Any]) -> str | None:
        """The target of `action` for a dossier with `data` (first matching branch)."""
        for branch in self.targets(action):
            if branch.when is None or branch.when.matches(data):
                return branch.to
        return None


@dataclass(frozen=True)
class ProcessDef:
    procedure: str
    name: str
    steps: tuple[StepDef, ...]
    agency_kind: str = ""

    @property
    def start(self) -> StepDef:
        return self.steps[0]

    def step(self, key: str) -> StepDef:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def total_hours(self) -> float:
        """The longest forward path's allotment (return loops do not count twice)."""
        return _longest_path(self)


def parse(raw: Mapping[str, Any], *, budget_hours: float | None = None) -> ProcessDef:
    """A validated ProcessDef, or DefinitionError listing every problem.

    `budget_hours` is the statutory duration in working hours (see `budget_hours()`); when given,
    the allotments along the longest path must fit in it.
    """
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise DefinitionError(["the definition must be a mapping"])
    procedure = str(raw.get("procedure") or "").strip()
    if not procedure:
        problems.append("procedure: the national code is required")
    name = str(raw.get("name") or "").strip() or procedure
    agency_kind = str(raw.get("agency_kind") or "")
    if agency_kind and agency_kind not in AGENCY_KINDS:
        problems.append(f"agency_kind: unknown kind {agency_kind!r}")
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DefinitionError([*problems, "steps: at least one step is required"])
    if len(raw_steps) > MAX_STEPS:
        problems.append(f"steps: at most {MAX_STEPS} steps")
    steps = [s for s in (_parse_step(i, r, problems) for i, r in enumerate(raw_steps)) if s]
    keys = [s.key for s in steps]
    for key in {k for k in keys if keys.count(k) > 1}:
        problems.append(f"step {key}: the key is used twice")
    known = set(keys)
    for s in steps:
        for action, branches in s.actions.items():
            for b in branches:
                if b.to is not None and b.to not in known:
                    problems.append(f"step {s.key}: {action} leads to unknown step {b.to!r}")
    if not problems:
        process = ProcessDef(procedure, name, tuple(steps), agency_kind)
        problems += _graph_problems(process)
        if not problems and budget_hours is not None:
            total = process.total_hours
            if total > budget_hours + 1e-9:
                problems.append(
                    f"the steps' allotments on the longest path ({total:g} working hours) exceed "
                    f"the statutory duration ({budget_hours:g} working hours)"
                )
        if not problems:
            return process
    raise DefinitionError(problems)


def budget_hours(duration_value: int | None, duration_unit: str, hours_per_day: float
                 ) -> float | None:
    """The statutory duration in working hours, the ceiling for a process's allotments.

    Calendar days count only their working days (5 in 7, rounded down, at least 1); a same-day
    procedure has one working day. None when the duration is not confirmed.
    """
    if not duration_value or not duration_unit:
        return None
    if duration_unit == "working_days":
        return duration_value * hours_per_day
    if duration_unit == "working_hours":
        return float(duration_value)
    if duration_unit == "same_day":
        return duration_value * hours_per_day
    if duration_unit == "calendar_days":
        return max(1, duration_value * 5 // 7) * hours_per_day
    raise ValueError(f"unknown duration unit {duration_unit!r}")


def _parse_step(index: int, raw: Any, problems: list[str]) -> StepDef | None:
    where = f"steps[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: a step must be a mapping")
        return None
    key = str(raw.get("key") or "")
    if not KEY_RE.match(key):
        problems.append(f"{where}: key {key!r} must be lower-case letters, digits and _")
        return None
    where = f"step {key}"
    name = str(raw.get("name") or "").strip()
    if not name:
        problems.append(f"{where}: a name is required")
    role = str(raw.get("role") or "")
    if role not in ROLES:
        problems.append(f"{where}: unknown role {role!r} (one of {', '.join(ROLES)})")
    agency = str(raw.get("agency") or "")
    if not (agency in ("receiving", "competent") or agency in AGENCY_KINDS
            or (agency.startswith("code:") and len(agency) > 5)):
        problems.append(
            f"{where}: agency {agency!r} must be receiving, competent, an agency kind or code:…"
        )
    hours = raw.get("hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 2000:
        problems.append(f"{where}: hours must be a positive number of working hours")
        hours = 0
    actions: dict[str, tuple[Branch, ...]] = {}
    raw_actions = raw.get("actions") or {}
    if not isinstance(raw_actions, Mapping) or not raw_actions:
        problems.append(f"{where}: at least one action is required")
        raw_actions = {}
    for action, target in raw_actions.items():
        if action not in ACTIONS:
            problems.append(f"{where}: unknown action {action!r} (one of {', '.join(ACTIONS)})")
            continue
        branches = _parse_branches(where, action, target, problems)
        if action in NO_TARGET and any(b.to for b in branches):
            problems.append(f"{where}: {action} ends the step and takes no target")
        if action in MOVES and not any(b.to for b in branches):
            problems.append(f"{where}: {action} needs a target step")
        actions[action] = branches
    return StepDef(key, name, role, agency, float(hours), actions)


def _parse_branches(where: str, action: str, target: Any, problems: list[str]
                    ) -> tuple[Branch, ...]:
    if target is None or isinstance(target, str):
        return (Branch(target or None),)
    if not isinstance(target, list) or not target:
        problems.append(f"{where}: {action} must name a step, or list branches")
        return ()
    branches = []
    for i, item in enumerate(target):
        if not isinstance(item, Mapping) or "to" not in item:
            problems.append(f"{where}: {action}[{i}] must be a mapping with 'to'")
            continue
        when = _parse_condition(f"{where}: {action}[{i}]", item.get("when"), problems)
        branches.append(Branch(item["to"] or None, when))
    defaults = [b for b in branches if b.when is None]
    if branches and branches[-1].when is not None:
        problems.append(f"{where}: {action} needs a last branch without 'when' (the default)")
    if len(defaults) > 1:
        problems.append(f"{where}: {action} has more than one default branch")
    return tuple(branches)


def _parse_condition(where: str, raw: Any, problems: list[str]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("field"), str):
        problems.append(f"{where}: 'when' must be a mapping with a field")
        return None
    operators = [op for op in OPERATORS if op in raw]
    if len(operators) != 1:
        problems.append(f"{where}: 'when' needs exactly one of {', '.join(OPERATORS)}")
        return None
    op = operators[0]
    if op == "in" and not isinstance(raw[op], list):
        problems.append(f"{where}: 'in' takes a list")
    return Condition(raw["field"], op, raw[op])


def _edges(step: StepDef, actions: Iterable[str]) -> set[str]:
    return {b.to for a in actions for b in step.targets(a) if b.to}


def _graph_problems(process: ProcessDef) -> list[str]:
    problems = []
    by_key = {s.key: s for s in process.steps}
    reachable, todo = {process.start.key}, [process.start.key]
    while todo:
        for nxt in _edges(by_key[todo.pop()], ACTIONS):
            if nxt not in reachable:
                reachable.add(nxt)
                todo.append(nxt)
    for s in process.steps:
        if s.key not in reachable:
            problems.append(f"step {s.key}: cannot be reached from the start step")
    ends = {s.key for s in process.steps if any(a in s.actions for a in ENDING)}
    changed = True
    while changed:
        changed = False
        for s in process.steps:
            if s.key not in ends and _edges(s, ACTIONS) & ends:
                ends.add(s.key)
                changed = True
    for s in process.steps:
        if s.key not in ends:
            problems.append(f"step {s.key}: no way from here to an end (approve, sign, finish)")
    if not problems and _has_forward_cycle(process):
        problems.append("forward and handover moves form a loop; use 'return' to go back")
    return problems


def _forward(step: StepDef) -> set[str]:
    return _edges(step, ("forward", "handover", "approve", "sign"))


def _has_forward_cycle(process: ProcessDef) -> bool:
    by_key = {s.key: s for s in process.steps}
    state: dict[str, int] = {}

    def visit(key: str) -> bool:
        state[key] = 1
        for nxt in _forward(by_key[key]):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[key] = 2
        return False

    return any(visit(s.key) for s in process.steps if s.key not in state)


def _longest_path(process: ProcessDef) -> float:
    by_key = {s.key: s for s in process.steps}
    memo: dict[str, float] = {}

    def longest(key: str) -> float:
        if key not in memo:
            step = by_key[key]
            memo[key] = step.hours + max((longest(n) for n in _forward(step)), default=0.0)
        return memo[key]

    return longest(process.start.key)


def _lookup(data: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current
