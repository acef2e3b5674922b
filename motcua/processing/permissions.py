"""Who may do what on a process step: rules on the roles a staff member holds in the step's
agency (read by the caller, once), and the actions a step offers. The step actions, the
worklists and the API all ask here; nothing here reads the database."""

from __future__ import annotations

from motcua.dossiers import lifecycle
from motcua.org.models import HEADS
from motcua.processing import definition as defn
from motcua.processing.models import StepInstance


def may_act(user_id: int | None, assignee_id: int | None, step_role: str,
            roles: frozenset[str]) -> bool:
    """On an open step: its assignee while they hold its role, or a head or leader there."""
    if roles & HEADS:
        return True
    return assignee_id is not None and assignee_id == user_id and step_role in roles


def may_claim(assignee_id: int | None, step_role: str, roles: frozenset[str]) -> bool:
    """An open, unassigned step: anyone holding its role in its agency."""
    return assignee_id is None and step_role in roles


def may_assign(roles: frozenset[str]) -> bool:
    """An open step: a head or leader of its agency."""
    return bool(roles & HEADS)


# every action a step may offer, in the order they are offered
STEP_ACTIONS = ("forward", "return", "handover", "request_supplement", "request_payment",
                "refuse", "approve", "sign", "finish")
assert set(STEP_ACTIONS) == {*defn.ACTIONS, "request_payment"}


# The dossier action each step action performs (actions.py, the module docstring): a step
# action takes that action's inputs (lifecycle.ACTIONS), or a note when it only moves the
# dossier between steps, and is as final as it is.
STEP_EFFECTS: dict[str, str | None] = {
    "forward": None, "return": None, "handover": None,
    "request_supplement": "request_supplement", "request_payment": "request_payment",
    "refuse": "refuse_on_merits", "approve": "mark_result_ready", "sign": "mark_result_ready",
    "finish": "return_result",
}
assert set(STEP_EFFECTS) == set(STEP_ACTIONS)


def step_inputs(action: str) -> tuple[lifecycle.Input, ...]:
    effect = STEP_EFFECTS[action]
    return lifecycle.action(effect).inputs if effect else (lifecycle.NOTE,)


def ends_dossier(action: str) -> bool:
    """Whether the step action brings the dossier to an end (a result, a refusal, returned):
    no step action undoes it."""
    effect = STEP_EFFECTS[action]
    target = lifecycle.action(effect).target if effect else None
    return target is not None and target in lifecycle.FINISHING


def offered_actions(step_def: defn.StepDef) -> list[str]:
    """The actions that leave this step, in a fixed order (PostgreSQL's jsonb does not keep
    the definition's key order), with request_payment wherever request_supplement is."""
    return [a for a in STEP_ACTIONS if a in step_def.actions
            or (a == "request_payment" and "request_supplement" in step_def.actions)]


def allowed_actions(user_id: int | None, step: StepInstance, roles: frozenset[str],
                    step_def: defn.StepDef | None) -> list[str]:
    """What the user may do on `step` now, holding `roles` in its agency: step actions, then
    claim / assign."""
    if step.finished_at is not None:
        return []
    allowed: list[str] = []
    if step_def is not None and may_act(user_id, step.assignee_id, step.role, roles):
        offered = offered_actions(step_def)
        allowed = [a for a in offered if a == "refuse"] if step.waiting else offered
    if may_claim(step.assignee_id, step.role, roles):
        allowed.append("claim")
    if may_assign(roles):
        allowed.append("assign")
    return allowed
