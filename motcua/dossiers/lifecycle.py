"""The legal transitions between dossier statuses (DOMAIN.md §4), in one table.

Pure data: `actions.py` asks `check_transition` before every status change, so no other code
path can move a dossier to a status the law does not allow from where it is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError
from motcua.dossiers.models import Status

S = Status

# action name -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "accept": (frozenset({S.SUBMITTED}), S.RECEIVED),
    "refuse": (frozenset({S.SUBMITTED}), S.REFUSED),
    "request_supplement": (frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING}), S.SUPPLEMENT),
    # the target depends on where the supplement was asked: back to 1 before receipt, else 4
    "receive_supplement": (frozenset({S.SUPPLEMENT}), S.PROCESSING),
    "start_processing": (frozenset({S.RECEIVED}), S.PROCESSING),
    "request_payment": (frozenset({S.RECEIVED, S.PROCESSING}), S.PAYING),
    "confirm_payment": (frozenset({S.PAYING}), S.PROCESSING),
    "send_interagency": (frozenset({S.RECEIVED, S.PROCESSING}), S.INTEROPERATING),
    "return_interagency": (frozenset({S.INTEROPERATING}), S.PROCESSING),
    "mark_result_ready": (frozenset({S.PROCESSING, S.INTEROPERATING}), S.RESULT_READY),
    "return_result": (frozenset({S.RESULT_READY}), S.RETURNED),
    "withdraw": (
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYING,
                   S.INTEROPERATING}),
        S.WITHDRAWN,
    ),
    "stop": (
        frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYING, S.INTEROPERATING}),
        S.STOPPED,
    ),
}

ACTION_LABELS = {
    "accept": gettext_lazy("receive the dossier"),
    "refuse": gettext_lazy("refuse the dossier"),
    "request_supplement": gettext_lazy("request a supplement"),
    "receive_supplement": gettext_lazy("receive the supplement"),
    "start_processing": gettext_lazy("start processing"),
    "request_payment": gettext_lazy("request the financial obligation"),
    "confirm_payment": gettext_lazy("confirm the payment"),
    "send_interagency": gettext_lazy("hand over to another agency"),
    "return_interagency": gettext_lazy("take back from the other agency"),
    "mark_result_ready": gettext_lazy("mark the result ready"),
    "return_result": gettext_lazy("return the result"),
    "withdraw": gettext_lazy("withdraw the dossier"),
    "stop": gettext_lazy("stop processing"),
    "apologize": gettext_lazy("issue an apology with a new appointment"),
    "attach_file": gettext_lazy("attach a file"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# Actions that leave the status as it is but must still happen in a legal state.
IN_PLACE: dict[str, frozenset[Status]] = {
    "apologize": frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYING, S.INTEROPERATING}),
}

# The index's end time: the first time the dossier reached one of these (DOMAIN.md §4).
FINISHING = frozenset({S.RESULT_READY, S.RETURNED, S.STOPPED, S.REFUSED, S.WITHDRAWN})


class IllegalTransition(DomainError):
    code = "illegal_transition"


def allowed_actions(status: Status) -> list[str]:
    moves = [name for name, (sources, _target) in TRANSITIONS.items() if status in sources]
    return moves + [name for name, sources in IN_PLACE.items() if status in sources]


def check_transition(action: str, status: Status) -> Status:
    """The status `action` leads to from `status`, or IllegalTransition."""
    if action in IN_PLACE:
        sources, target = IN_PLACE[action], status
    elif action in TRANSITIONS:
        sources, target = TRANSITIONS[action]
    else:
        raise ValueError(f"unknown action {action!r}")
    if status not in sources:
        raise IllegalTransition(
            _("“%(action)s” is not allowed for a dossier in status “%(status)s”.")
            % {"action": action_label(action), "status": status.label},
            action=action,
            current_status=int(status),
            allowed=allowed_actions(status),
        )
    return target
