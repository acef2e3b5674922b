"""Words for what the workspace shows: the step actions (the dossier actions have theirs in
dossiers.lifecycle), the events of a dossier's timeline, the timing marks."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.lifecycle import ACTIONS
from motcua.processing.permissions import STEP_ACTIONS

# As the lifecycle's labels: what one does, to follow "You may …" or to start a button.
STEP_LABELS: dict[str, Promise] = {
    "claim": _("take this step"),
    "assign": _("assign the step"),
    "forward": _("forward to the next step"),
    "return": _("return to the previous step"),
    "handover": _("hand over to another agency"),
    "request_supplement": _("request a supplement"),
    "request_payment": _("request the financial obligation"),
    "refuse": _("refuse to resolve the dossier"),
    "approve": _("approve"),
    "sign": _("sign"),
    "finish": _("return the result and finish"),
}
assert set(STEP_LABELS) == {*STEP_ACTIONS, "claim", "assign"}

# Timeline events that are not dossier actions: the process steps', and the system's.
EVENT_LABELS: dict[str, Promise] = {
    "submit": _("submitted"),
    "intake": _("recorded at the counter"),
    "receive": _("received at the counter"),
    "process_start": _("process started"),
    "step_claim": _("step taken"),
    "step_assign": _("step assigned"),
    "escalate": _("warning sent"),
    "notify": _("applicant notified"),
    "digitize": _("component digitized"),
    "ask_again": _("document asked for again, with a reason"),
    "result_signed": _("electronic result signed"),
}


def event_label(action: str) -> str:
    """A timeline event in words: a dossier action's label, a step action's, or the
    system's."""
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    if action in ACTIONS:
        return str(ACTIONS[action].label)
    step_action = action.removeprefix("step_")
    if step_action in STEP_LABELS:
        return str(STEP_LABELS[step_action])
    return action


# The timing marks of a step or a dossier (workspace.timing), as the design system's tags:
# each says it in words, not by its colour alone.
TIMING_TAGS: dict[str, tuple[str, Promise]] = {
    "late": ("govuk-tag--red", _("Late")),
    "due_soon": ("govuk-tag--orange", _("Due soon")),
    "waiting": ("govuk-tag--grey", _("Waiting for the applicant")),
    "paused": ("govuk-tag--grey", _("Clock paused")),
    "early": ("govuk-tag--green", _("Finished early")),
    "on_time": ("govuk-tag--green", _("Finished on time")),
    "finished_late": ("govuk-tag--red", _("Finished late")),
}
