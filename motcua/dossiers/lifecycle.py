"""The dossier actions (DOMAIN.md §4), each described once, in one registry.

An `Action` holds everything about one action: the statuses it may start from and where it
leads (or that it leaves the status as it is), who may take it, the input it takes, the slip it
issues, the notice it sends the applicant, its label, and whether a process step drives it.
The lifecycle (`check_transition`), the policy (`policy.allowed_actions`), the API and the web
pages all read it; `actions.perform` dispatches through it. Pure data: no database access.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError
from motcua.dossiers.models import Channel, ComponentSource, Dossier, DossierComponent, Status
from motcua.org.models import HEADS, Role

S = Status

# Which side of the dossier a rule speaks of: its receiving agency, its handling agency, an
# agency it is handed over to (an open handover), the one-stop unit the applicant chose to
# collect the result at (returning), or its applicant (the owner of the account).
RECEIVING, HANDLING, HANDED_TO, APPLICANT = "receiving", "handling", "handed_to", "applicant"
RETURNING = "returning"
ONE_STOP = (Role.ONE_STOP_OFFICER,)
PROCESSORS = (Role.SPECIALIST, Role.HEAD, Role.LEADER)
LEADS = tuple(sorted(HEADS))  # the competent agency's decisions: its heads and leaders
Rule = tuple[str, tuple[str, ...]]  # (side, roles there); APPLICANT takes no roles

# The index's end time: the first time the dossier reached one of these (DOMAIN.md §4).
FINISHING = frozenset({S.RESULT_READY, S.RETURNED, S.STOPPED, S.REFUSED, S.WITHDRAWN})
RUNNING = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYING, S.INTEROPERATING})
# Received and not waiting for the applicant or a payment: the legal clock runs.
CLOCK_RUNNING = frozenset({S.RECEIVED, S.PROCESSING, S.INTEROPERATING})
# Statuses in which the applicant may change the dossier's files.
APPLICANT_EDITABLE = frozenset({S.SUBMITTED, S.SUPPLEMENT})


@dataclass(frozen=True)
class Input:
    name: str
    required: bool = False
    also: str = ""  # another name the API accepts for it (a "reason" given for a "note")


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    who: tuple[Rule, ...]
    inputs: tuple[Input, ...] = ()
    slip: str = ""  # the form it issues (dossiers.slips.FORMS)
    notice: str = ""  # the applicant notice it sends (notifications), if any
    step_driven: bool = False  # done through the process steps when the dossier has a process
    api: bool = True  # offered at POST /api/v1/dossiers/<code>/<name>
    accepted: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = {i.name for i in self.inputs} | {i.also for i in self.inputs if i.also}
        object.__setattr__(self, "accepted", frozenset(names))

    def leads_to(self, status: Status) -> Status:
        return status if self.target is None else self.target


REASON = Input("reason", required=True)
NOTE = Input("note", also="reason")

ACTIONS: dict[str, Action] = {a.name: a for a in (
    # duration_case: one of the procedure's alternative legal durations (catalog
    # DurationCase.key, or "default" for its own); a choice other than the one the dossier's
    # data selects needs duration_reason.
    Action("accept", gettext_lazy("receive the dossier"), frozenset({S.SUBMITTED}), S.RECEIVED,
           ((RECEIVING, ONE_STOP),), (Input("duration_case"), Input("duration_reason")),
           slip="01", notice="received"),
    Action("refuse", gettext_lazy("refuse the dossier"), frozenset({S.SUBMITTED}), S.REFUSED,
           ((RECEIVING, ONE_STOP),), (REASON,), slip="03", notice="refused"),
    Action("request_supplement", gettext_lazy("request a supplement"),
           frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING}), S.SUPPLEMENT,
           ((RECEIVING, ONE_STOP), (HANDLING, PROCESSORS)),
           (Input("items", required=True), Input("reason")), slip="02", notice="supplement"),
    # back to 1 when the supplement was asked before receipt (actions.receive_supplement)
    Action("receive_supplement", gettext_lazy("receive the supplement"),
           frozenset({S.SUPPLEMENT}), S.PROCESSING, ((RECEIVING, ONE_STOP), (APPLICANT, ())),
           (NOTE,)),
    Action("start_processing", gettext_lazy("start processing"), frozenset({S.RECEIVED}),
           S.PROCESSING, ((HANDLING, PROCESSORS),), step_driven=True),
    Action("request_payment", gettext_lazy("request the financial obligation"),
           frozenset({S.RECEIVED, S.PROCESSING}), S.PAYING, ((HANDLING, PROCESSORS),),
           (Input("amount_vnd", required=True), Input("reason")), step_driven=True),
    Action("confirm_payment", gettext_lazy("confirm the payment"), frozenset({S.PAYING}),
           S.PROCESSING, ((RECEIVING, ONE_STOP), (HANDLING, PROCESSORS)),
           (Input("reference"),)),
    Action("send_interagency", gettext_lazy("hand over to another agency"),
           frozenset({S.RECEIVED, S.PROCESSING}), S.INTEROPERATING, ((HANDLING, PROCESSORS),),
           (Input("to_agency", required=True), Input("note"), Input("step_due_at")),
           step_driven=True),
    Action("route", gettext_lazy("route the dossier to the competent agency"),
           frozenset({S.SUBMITTED}) | RUNNING, None, ((RECEIVING, ONE_STOP), (RECEIVING, LEADS)),
           (Input("to_agency", required=True), REASON)),
    Action("return_interagency", gettext_lazy("take back from the other agency"),
           frozenset({S.INTEROPERATING}), S.PROCESSING,
           ((HANDED_TO, PROCESSORS), (HANDLING, PROCESSORS)), (NOTE,), step_driven=True),
    Action("mark_result_ready", gettext_lazy("mark the result ready"),
           frozenset({S.PROCESSING, S.INTEROPERATING}), S.RESULT_READY,
           ((HANDLING, PROCESSORS),), (NOTE,), notice="result_ready", step_driven=True),
    Action("return_result", gettext_lazy("return the result"), frozenset({S.RESULT_READY}),
           S.RETURNED, ((RECEIVING, ONE_STOP), (RETURNING, ONE_STOP)), (NOTE,)),
    # After appraisal, a reasoned refusal to resolve (Form 03): the result is the refusal.
    Action("refuse_on_merits", gettext_lazy("refuse to resolve the dossier"),
           CLOCK_RUNNING, S.RESULT_READY, ((HANDLING, LEADS),), (REASON,), slip="03",
           notice="refused_on_merits", step_driven=True),
    # Before receipt the applicant (or the counter, on their word) withdraws at once; after it,
    # the request is recorded and the competent agency decides (grant_withdrawal).
    Action("withdraw", gettext_lazy("withdraw the dossier"), frozenset({S.SUBMITTED}),
           S.WITHDRAWN, ((APPLICANT, ()), (RECEIVING, ONE_STOP)), (REASON,)),
    Action("request_withdrawal", gettext_lazy("ask to withdraw the dossier"), RUNNING, None,
           ((APPLICANT, ()), (RECEIVING, ONE_STOP)), (REASON,)),
    Action("grant_withdrawal", gettext_lazy("grant the withdrawal"), RUNNING, S.WITHDRAWN,
           ((HANDLING, LEADS),), (NOTE,), notice="withdrawn"),
    # A stop needs a request (the applicant's) or a legal ground (recorded by the handling
    # agency's staff) first; the competent agency's head or leader decides, with Form 05.
    Action("request_stop", gettext_lazy("ask to stop processing, or record a legal ground"),
           RUNNING, None, ((APPLICANT, ()), (HANDLING, PROCESSORS)), (REASON,)),
    Action("stop", gettext_lazy("stop processing"), RUNNING, S.STOPPED, ((HANDLING, LEADS),),
           (REASON,), slip="05", notice="stopped"),
    Action("decline_request", gettext_lazy("decline the request"), RUNNING, None,
           ((HANDLING, LEADS),), (Input("kind", required=True), REASON)),
    Action("apologize", gettext_lazy("issue an apology with a new appointment"), CLOCK_RUNNING,
           None, ((HANDLING, PROCESSORS), (RECEIVING, ONE_STOP)),
           (REASON, Input("new_appointment", required=True)), slip="04", notice="apology"),
    Action("attach_file", gettext_lazy("attach a file"),
           frozenset(Status) - FINISHING, None,
           ((APPLICANT, ()), (RECEIVING, ONE_STOP), (HANDLING, PROCESSORS)),
           (Input("upload", required=True), Input("component_id")), api=False),
)}
API_ACTIONS = sorted(name for name, a in ACTIONS.items() if a.api)
# What the one-stop officer may do instead of receiving an online dossier whose declared
# uploads have not all arrived (awaits_file): ask for them before receipt (Form 02), or refuse.
INSTEAD_OF_ACCEPT = ("request_supplement", "refuse")


def awaits_file(d: Dossier, component: DossierComponent, has_file: bool) -> bool:
    """Whether `component` of `d` still waits for its file: a required component (by the
    procedure, or as the proof of the representation) that an online dossier declared as
    uploaded, not handed in on paper, with no file yet, while the dossier waits for receipt.
    The officer receives (accepts) the dossier only once none waits (actions._accept); the
    detail shows it per component (`awaiting_file`). The counter and the post check paper by
    hand."""
    return (d.channel == Channel.ONLINE and d.received_at is None
            and d.status_enum not in FINISHING and component.required
            and component.source == ComponentSource.UPLOAD and not component.is_paper
            and not has_file)


class IllegalTransition(DomainError):
    code = "illegal_transition"


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise ValueError(f"unknown action {name!r}") from None


def action_label(name: str) -> str:
    return str(ACTIONS[name].label) if name in ACTIONS else name


def allowed_actions(status: Status) -> list[str]:
    """The actions the lifecycle allows from `status`: moves first, then those in place."""
    moves = [n for n, a in ACTIONS.items() if a.target is not None and status in a.sources]
    return moves + [n for n, a in ACTIONS.items()
                    if a.target is None and a.api and status in a.sources]


def check_transition(name: str, status: Status) -> Status:
    """The status action `name` leads to from `status`, or IllegalTransition."""
    spec = action(name)
    if status not in spec.sources:
        raise IllegalTransition(
            _("“%(action)s” is not allowed for a dossier in status “%(status)s”.")
            % {"action": action_label(name), "status": status.label},
            action=name,
            current_status=int(status),
            allowed=allowed_actions(status),
        )
    return spec.leads_to(status)
