"""Processing API: worklists, step history, claim/assign, step actions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.audit import record
from motcua.core.errors import NotAllowed, NotFound
from motcua.core.schema import problem_response
from motcua.dossiers import policy
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import status_payload
from motcua.org.authentication import signed_in
from motcua.org.models import User
from motcua.org.selectors import agency_by_code, roles_at
from motcua.processing import actions as pactions
from motcua.processing import permissions, selectors
from motcua.processing.permissions import may_assign
from motcua.processing.serializers import (
    AssignSerializer,
    DossierStepsSerializer,
    StepActionSerializer,
    UnitWorklistQuerySerializer,
    UnitWorklistSerializer,
    WorklistQuerySerializer,
    WorklistSerializer,
    parse_step_inputs,
    rendered_steps,
    step_payload,
    work_item,
)

STAFF_ONLY = problem_response(gettext_lazy("Worklists are for staff."))
STEP_HIDDEN = problem_response(gettext_lazy("No such step, or none the caller may see."))
STEP_REFUSED = problem_response(gettext_lazy("The caller may see the step but not do this."))
STEP_CONFLICT = problem_response(gettext_lazy(
    "The step is already finished (code step_finished), or a rule of the dossier's lifecycle "
    "refuses it now."))


def _staff(request: Request) -> User:
    user = signed_in(request)
    if getattr(user, "kind", None) != User.Kind.STAFF:
        raise NotAllowed(_("Worklists are for staff."), code="staff_only")
    return user


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = dict(query.validated_data)
    status = data.pop("status", "")
    data["statuses"] = [int(s) for s in status.split(",")] if status else None
    data["code"] = data.pop("q", "").strip() or None
    return data


class Worklist(APIView):
    @extend_schema(
        parameters=[WorklistQuerySerializer],
        responses={200: WorklistSerializer, 403: STAFF_ONLY},
        summary="The signed-in staff member's worklist, with the count of every view",
    )
    def get(self, request: Request) -> Response:
        user = _staff(request)
        query = _query(WorklistQuerySerializer, request)
        now = timezone.now()
        page = selectors.worklist(user, now=now, **query)
        return Response({  # as WorklistSerializer renders it (see work_item)
            "view": query["view"], "count": page.count, "counts": page.counts,
            "items": [work_item(row, now) for row in page.items],
        })


class UnitWorklist(APIView):
    @extend_schema(
        parameters=[UnitWorklistQuerySerializer],
        responses={200: UnitWorklistSerializer,
                   403: problem_response(gettext_lazy(
                       "Worklists are for staff; a unit's, for its heads and leaders."))},
        summary="Every open step of a unit, for its heads and leaders",
    )
    def get(self, request: Request, code: str) -> Response:
        user = _staff(request)
        agency = agency_by_code(code)
        if agency is None:
            raise NotFound(_("Unknown agency code."))
        if not may_assign(roles_at(user, agency.pk)):
            record(user, "worklist.refused", agency, attempted="unit_worklist")
            raise NotAllowed(_("Only a head or leader of the unit may see its worklist."),
                             code="not_unit_head")
        query = _query(UnitWorklistQuerySerializer, request)
        now = timezone.now()
        page = selectors.unit_worklist(agency, now=now, **query)
        can_act = page.extra["assignee_can_act"]
        items = [{**work_item(row, now), "assignee_can_act": can_act[row["id"]]}
                 for row in page.items]
        by_assignee = [
            {"username": row["assignee__username"], "full_name": row["assignee__full_name"],
             "open": row["open"], "late": row["late"]}
            for row in page.extra["by_assignee"]
        ]
        return Response(UnitWorklistSerializer({
            "agency": {"code": agency.code, "name": agency.name}, "view": query["view"],
            "count": page.count, "counts": page.counts, "by_assignee": by_assignee,
            "items": items,
        }).data)


def steps_response(dossier: Dossier, user: Any, outcome: pactions.Outcome | None = None
                   ) -> Response:
    return Response(rendered_steps(steps_payload(dossier, user, outcome)))


def steps_payload(dossier: Dossier, user: Any, outcome: pactions.Outcome | None = None
                  ) -> dict[str, Any]:
    """The dossier's process run and step history, with what the caller may do on each.
    `dossier` as read now (by the policy or the step action that just changed it); `outcome`:
    the step action of this request, whose run and caller's roles are read already."""
    run = outcome.step.run if outcome is not None else selectors.run_of(dossier.pk)
    held = outcome.held if outcome is not None else None
    now = timezone.now()
    steps = [step_payload(step, allowed, now)
             for step, allowed in selectors.steps_with_actions(dossier.pk, user, run, held)]
    return {
        "code": dossier.code, "status": status_payload(dossier.status),
        "due_at": dossier.due_at,
        "run": {
            "process": {"number": run.process.number, "name": run.process.name,
                        "agency_kind": run.process.agency_kind},
            "started_at": run.started_at, "finished_at": run.finished_at,
        } if run else None,
        "steps": steps,
    }


class DossierSteps(APIView):
    @extend_schema(responses=DossierStepsSerializer,
                   summary="A dossier's process steps, with the actions the caller may take")
    def get(self, request: Request, code: str) -> Response:
        dossier = policy.get_visible(request.user, code)
        return steps_response(dossier, request.user)


class StepClaim(APIView):
    @extend_schema(request=None,
                   responses={200: DossierStepsSerializer, 403: STEP_REFUSED, 404: STEP_HIDDEN,
                              409: STEP_CONFLICT},
                   summary="Claim a step from the unit queue")
    def post(self, request: Request, step_id: int) -> Response:
        user = signed_in(request)
        outcome = pactions.claim(step_id, user=user)
        return steps_response(outcome.dossier, user, outcome)


class StepAssign(APIView):
    @extend_schema(request=AssignSerializer,
                   responses={200: DossierStepsSerializer,
                              400: problem_response(gettext_lazy(
                                  "No active staff member has this username, or they may not take "
                                  "the step.")),
                              403: STEP_REFUSED, 404: STEP_HIDDEN, 409: STEP_CONFLICT},
                   summary="Assign or reassign a step (heads and leaders of its agency)")
    def post(self, request: Request, step_id: int) -> Response:
        user = signed_in(request)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = pactions.assign_by_username(step_id, body.validated_data["username"], by=user)
        return steps_response(outcome.dossier, user)


class StepAction(APIView):
    @extend_schema(
        request=StepActionSerializer,
        responses={200: DossierStepsSerializer, 403: STEP_REFUSED,
                   404: problem_response(gettext_lazy(
                       "No such step, or none the caller may see, or no such action.")),
                   409: STEP_CONFLICT},
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH,
                                     enum=list(permissions.STEP_ACTIONS))],
        summary="Act on a step: forward, return, handover, request_supplement, "
                "request_payment, refuse, approve, sign, finish",
    )
    def post(self, request: Request, step_id: int, action: str) -> Response:
        if action not in permissions.STEP_ACTIONS:
            raise NotFound(_("Unknown step action."))
        user = signed_in(request)
        outcome = pactions.act(step_id, action, actor=user, **parse_step_inputs(request.data))
        return steps_response(outcome.dossier, user, outcome)
