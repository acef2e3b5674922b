"""GET /api/v1/dossiers/<code>/due-explanation: why the dossier's due time is what it is
(dossiers.due), as data, under the dossier detail's read policy."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import DomainError
from motcua.core.formatting import iso_local
from motcua.core.schema import problem_response
from motcua.dossiers import policy
from motcua.dossiers.due import DueExplanation, PauseEnd, PauseStep, explain_due
from motcua.dossiers.selectors import detail_by_code
from motcua.workcalendar.explain import Day, DayKind, Explanation, Start


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=[k.value for k in DayKind], help_text=(
        "working; swapped: a working day on a usual day off (a swapped Saturday, a local "
        "override); weekend; day_off: a public holiday or a local day off"))
    name = serializers.CharField(help_text="the holiday's or the local override's name, in the "
                                           "request's language; blank when none")
    counted = serializers.BooleanField(help_text="it counts toward the duration")
    number = serializers.IntegerField(help_text="its place among the counted days; 0 if not")
    working_seconds = serializers.IntegerField(help_text="working time counted on it")
    periods = PeriodSerializer(many=True, help_text="the working time counted on it")
    moved = serializers.BooleanField(help_text=(
        "calendar days: after the period's last day, which was a day off, up to the working "
        "day on which it ends"))


class CountingSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField()
    start = serializers.ChoiceField(choices=[s.value for s in Start], help_text=(
        "why counting starts at counted_from: in_working_time, before_opening, "
        "between_periods, after_closing, day_off (received on a day off), after_cutoff "
        "(same-day procedure received after its cut-off), next_day (calendar days)"))
    receipt_day = DaySerializer()
    counted_from = serializers.DateTimeField()
    cutoff = serializers.CharField(allow_null=True, help_text="HH:MM, same-day durations only")
    days = DaySerializer(many=True, help_text="from the first day that matters to the due day")
    due_at = serializers.DateTimeField()


class DurationChoiceSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    unit = serializers.CharField()
    case = serializers.CharField(help_text="blank: the procedure's own duration")
    case_label = serializers.CharField()
    by_data = serializers.BooleanField(help_text="the dossier's data selected the case")
    reason = serializers.CharField(help_text="the officer's reason for choosing the case")
    online = serializers.BooleanField(help_text="the shorter duration for online dossiers")
    procedure_version = serializers.IntegerField()
    version_from = serializers.DateField()


class PauseStepSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=["supplement", "payment"])
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    end = serializers.ChoiceField(choices=[e.value for e in PauseEnd], help_text=(
        "resumed: the due time moved by the time the clock stood; restarted: the full duration "
        "counted again (restart); closed: the dossier ended while the clock stood; open: it "
        "still stands"))
    due_before = serializers.DateTimeField()
    due_after = serializers.DateTimeField()
    paused_working_seconds = serializers.IntegerField()
    paused_days = serializers.IntegerField(help_text="calendar-day durations: days moved")
    restart = CountingSerializer(allow_null=True)


class AppointmentSerializer(serializers.Serializer):
    issued_at = serializers.DateTimeField()
    old_appointment = serializers.DateTimeField()
    new_appointment = serializers.DateTimeField()
    reason = serializers.CharField()


class DueExplanationSerializer(serializers.Serializer):
    code = serializers.CharField()
    due_at = serializers.DateTimeField(help_text="the legal due time in force (as recorded)")
    rebuilt_due_at = serializers.DateTimeField(help_text=(
        "the due time rebuilt from the facts below with today's calendar"))
    matches = serializers.BooleanField(help_text=(
        "false when the calendar changed after the due time was set"))
    appointment_at = serializers.DateTimeField(allow_null=True)
    paused_since = serializers.DateTimeField(allow_null=True)
    duration = DurationChoiceSerializer()
    counting = CountingSerializer(help_text="from receipt")
    pauses = PauseStepSerializer(many=True)
    apologies = AppointmentSerializer(many=True)


def _day(d: Day) -> dict[str, Any]:
    return {"date": d.day.isoformat(), "kind": d.kind.value, "name": d.name,
            "counted": d.counted, "number": d.number,
            "working_seconds": int(d.working_time.total_seconds()),
            "periods": [{"start": iso_local(s), "end": iso_local(e)} for s, e in d.periods],
            "moved": d.moved}


def _counting(e: Explanation) -> dict[str, Any]:
    return {"received_at": iso_local(e.received_at), "start": e.start.value,
            "receipt_day": _day(e.receipt_day), "counted_from": iso_local(e.counted_from),
            "cutoff": e.cutoff.strftime("%H:%M") if e.cutoff else None,
            "days": [_day(d) for d in e.days], "due_at": iso_local(e.due_at)}


def _pause(p: PauseStep) -> dict[str, Any]:
    return {"reason": p.reason, "started_at": iso_local(p.started_at),
            "ended_at": iso_local(p.ended_at), "end": p.end.value,
            "due_before": iso_local(p.due_before), "due_after": iso_local(p.due_after),
            "paused_working_seconds": int(p.paused.total_seconds()),
            "paused_days": p.paused_days,
            "restart": _counting(p.restart) if p.restart is not None else None}


def due_explanation_payload(code: str, e: DueExplanation) -> dict[str, Any]:
    c = e.choice
    return {
        "code": code, "due_at": iso_local(e.recorded_due_at),
        "rebuilt_due_at": iso_local(e.due_at), "matches": e.matches,
        "appointment_at": iso_local(e.appointment_at),
        "paused_since": iso_local(e.paused_since),
        "duration": {"value": c.duration.value, "unit": c.duration.unit, "case": c.case_key,
                     "case_label": c.case_label, "by_data": c.by_data, "reason": c.reason,
                     "online": c.online, "procedure_version": c.version_number,
                     "version_from": c.version_from.isoformat()},
        "counting": _counting(e.counting),
        "pauses": [_pause(p) for p in e.pauses],
        "apologies": [{"issued_at": iso_local(a.issued_at), "old_appointment": iso_local(a.old),
                       "new_appointment": iso_local(a.new), "reason": a.reason}
                      for a in e.apologies],
    }


class NoClock(DomainError):
    code = "no_clock"


class DossierDueExplanation(APIView):
    @extend_schema(
        responses={200: DueExplanationSerializer,
                   404: problem_response(gettext_lazy(
                       "No dossier with this code is visible to the caller.")),
                   409: problem_response(gettext_lazy(
                       "The dossier has no legal clock (code no_clock): not received yet, or "
                       "its procedure has no confirmed legal duration."))},
        summary="Why the dossier's due time is what it is",
        description=(
            "The legal duration applied and why, the counting from receipt day by day (days "
            "counted, days skipped with their kind and name, the cut-off), each time the clock "
            "stood still (supplement, payment) and what it did to the due time (moved it, "
            "restarted the counting, or nothing), and the apologies' new appointments. Read "
            "under the same policy as the dossier's detail."),
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = policy.get_visible(request.user, code, detail_by_code)
        explanation = explain_due(dossier)
        if explanation is None:
            raise NoClock(_("This dossier has no due time yet: it is not received, or its "
                            "procedure has no confirmed legal duration."))
        return Response(due_explanation_payload(dossier.code, explanation))
