from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from rest_framework import serializers

from motcua.core.fields import HumanTextField
from motcua.core.formatting import iso_local
from motcua.dossiers.serializers import (
    MAX_COMPONENTS,
    AgencyRefSerializer,
    StatusSerializer,
    status_payload,
)
from motcua.processing.models import StepInstance
from motcua.processing.selectors import SORTS, UNIT_VIEWS, VIEWS
from motcua.workcalendar.rules import NO_CLOCK, TIMELINESS, timeliness
from motcua.workcalendar.service import get_calendar


class UserRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class WorkDossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_code = serializers.CharField(allow_null=True)
    procedure_name = serializers.CharField()
    status = StatusSerializer()
    applicant_name = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class StepBaseSerializer(serializers.Serializer):
    """What every view of a step shows: which step, where, whose, since and until when."""

    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    agency = AgencyRefSerializer()
    assignee = UserRefSerializer(allow_null=True)
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()


def step_base(step: StepInstance) -> dict[str, Any]:
    return {
        "id": step.pk, "key": step.key, "name": step.name, "role": step.role,
        "agency": {"code": step.agency.code, "name": step.agency.name},
        "assignee": user_ref(step.assignee), "started_at": step.started_at,
        "due_at": step.due_at,
    }


class WorkItemSerializer(StepBaseSerializer):
    waiting = serializers.BooleanField()
    late = serializers.BooleanField()
    dossier = WorkDossierSerializer()
    assignee_can_act = serializers.BooleanField(required=False)


def user_ref(user: Any) -> dict[str, str] | None:
    return {"username": user.username, "full_name": user.full_name} if user else None


def work_item(row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A worklist item from a row of selectors.ITEM_FIELDS, as WorkItemSerializer renders it.
    The worklist is the officers' hottest read: its 50 items through DRF's nested serializers
    cost ≈ 3 ms a request, these dicts ≈ 0.3 ms; the serializer stays as the schema and
    test_work_items_have_the_schema_fields keeps the two alike."""
    return {
        "id": row["id"], "key": row["key"], "name": row["name"], "role": row["role"],
        "agency": {"code": row["agency__code"], "name": row["agency__name"]},
        "assignee": {"username": row["assignee__username"],
                     "full_name": row["assignee__full_name"]} if row["assignee_id"] else None,
        "started_at": iso_local(row["started_at"]), "due_at": iso_local(row["due_at"]),
        "waiting": row["waiting"], "late": not row["waiting"] and row["due_at"] < now,
        "dossier": {
            "code": row["dossier__code"], "procedure_code": row["dossier__procedure__code"],
            "procedure_name": row["dossier__procedure__name"],
            "status": status_payload(row["dossier__status"]),
            "applicant_name": row["dossier__applicant_name"],
            "due_at": iso_local(row["dossier__due_at"]),
        },
    }


class WorklistQuerySerializer(serializers.Serializer):
    view = serializers.ChoiceField(choices=VIEWS, default="mine")
    procedure = serializers.CharField(max_length=20, required=False)
    q = serializers.CharField(max_length=48, required=False, allow_blank=True,
                              help_text="dossier code, or its beginning")
    status = serializers.RegexField(r"^\d{1,2}(,\d{1,2})*$", required=False,
                                    help_text="dossier status codes, e.g. 0,4")
    sort = serializers.ChoiceField(choices=list(SORTS), default="due_at")
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class UnitWorklistQuerySerializer(WorklistQuerySerializer):
    view = serializers.ChoiceField(choices=UNIT_VIEWS, default="all")


def _counts(names: tuple[str, ...]) -> type[serializers.Serializer]:
    fields = {name: serializers.IntegerField() for name in names}
    return type("Counts", (serializers.Serializer,), fields)


class WorklistSerializer(serializers.Serializer):
    view = serializers.CharField()
    count = serializers.IntegerField()
    counts = _counts(VIEWS)()
    items = WorkItemSerializer(many=True)


class AssigneeCountSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    open = serializers.IntegerField()
    late = serializers.IntegerField()


class UnitWorklistSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    view = serializers.CharField()
    count = serializers.IntegerField()
    counts = type("UnitCounts", (serializers.Serializer,),
                  {n: serializers.IntegerField() for n in UNIT_VIEWS})()
    by_assignee = AssigneeCountSerializer(many=True)
    items = WorkItemSerializer(many=True)


class StepSerializer(StepBaseSerializer):
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    acted_by = UserRefSerializer(allow_null=True)
    note = serializers.CharField()
    waiting = serializers.BooleanField()
    # the dossier's choice set (one enum in the schema); a step always has a due time
    timeliness = serializers.ChoiceField(choices=[*TIMELINESS, NO_CLOCK])
    previous_id = serializers.IntegerField(allow_null=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


def step_payload(step: StepInstance, allowed: list[str], now: dt.datetime) -> dict[str, Any]:
    return {
        **step_base(step), "finished_at": step.finished_at, "outcome": step.outcome,
        "acted_by": user_ref(step.acted_by), "note": step.note, "waiting": step.waiting,
        "timeliness": timeliness(step.finished_at, step.due_at, now, get_calendar(),
                                 settings.TIMELINESS_GRANULARITY),
        "previous_id": step.previous_id, "allowed_actions": allowed,
    }


class ProcessRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    agency_kind = serializers.CharField()


class RunSerializer(serializers.Serializer):
    process = ProcessRefSerializer()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class DossierStepsSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = StatusSerializer()
    due_at = serializers.DateTimeField(allow_null=True)
    run = RunSerializer(allow_null=True)
    steps = StepSerializer(many=True)


def rendered_steps(payload: dict[str, Any]) -> dict[str, Any]:
    """`DossierStepsSerializer(payload).data`, by hand: the answer of every step action.
    DRF's nested serializers cost ≈ 1 ms a request there (a fifth of a step action's CPU,
    docs/benchmarks.md); the serializer stays as the schema, and
    test_the_steps_answer_is_rendered_as_its_serializer_renders_it keeps the two equal."""
    run = payload["run"]
    return {
        **payload, "due_at": iso_local(payload["due_at"]),
        "run": run and {**run, "started_at": iso_local(run["started_at"]),
                        "finished_at": iso_local(run["finished_at"])},
        "steps": [{**step, "started_at": iso_local(step["started_at"]),
                   "due_at": iso_local(step["due_at"]),
                   "finished_at": iso_local(step["finished_at"])}
                  for step in payload["steps"]],
    }


class AssignSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class StepActionSerializer(serializers.Serializer):
    """Inputs of the step actions: `reason` for refuse; `items` (everything missing) for
    request_supplement; `amount_vnd` for request_payment; `note` for any."""

    note = HumanTextField(max_length=4000, required=False, allow_blank=True)
    reason = HumanTextField(max_length=4000, required=False, allow_blank=True)
    items = serializers.ListField(
        child=serializers.DictField(child=HumanTextField(max_length=2000)),
        required=False, max_length=MAX_COMPONENTS,
    )
    amount_vnd = serializers.IntegerField(min_value=1, max_value=10**13, required=False)


def parse_step_inputs(data: Any) -> dict[str, Any]:
    """The inputs of a step action for `actions.act`, read from a request's fields (the API's
    body, a web page's form) by StepActionSerializer: the one reading of a step's input."""
    body = StepActionSerializer(data=data)
    body.is_valid(raise_exception=True)
    valid = body.validated_data
    return {"note": valid.get("note", ""), "reason": valid.get("reason", ""),
            "items": valid.get("items"), "amount_vnd": valid.get("amount_vnd")}
