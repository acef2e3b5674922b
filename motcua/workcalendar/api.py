"""GET /api/v1/calendar/due-date: the legal due date of the public contract."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.workcalendar.rules import (
    TZ,
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    UNIT_WORKING_HOURS,
    Duration,
)
from motcua.workcalendar.service import get_calendar

MAX_DURATION = 3650


class DueDateQuery(serializers.Serializer):
    received_at = serializers.DateTimeField(
        help_text=_("ISO 8601; without an offset it is read as Vietnam time (+07:00).")
    )
    duration = serializers.IntegerField(min_value=1, max_value=MAX_DURATION)
    unit = serializers.ChoiceField(
        choices=[UNIT_WORKING_DAYS, UNIT_WORKING_HOURS, UNIT_CALENDAR_DAYS, UNIT_SAME_DAY]
    )
    # Accepted with every unit, as the public contract (DESIGN.md) has it; the law gives a
    # cut-off a meaning for same-day procedures only, so with another unit it changes nothing.
    cutoff = serializers.TimeField(
        required=False, format="%H:%M", input_formats=["%H:%M"],
        help_text=_("Same-day procedures only (unit=same_day): after this time the dossier is "
                    "due the next working day. No effect with another unit."),
    )

    def validate_received_at(self, value: datetime) -> datetime:
        if value.year < 2015 or value.year > 2039:
            raise serializers.ValidationError(_("Dates from 2015 to 2039 are supported."))
        return value


def iso(value: datetime) -> str:
    return value.astimezone(TZ).isoformat()


class DueDateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[DueDateQuery],
        responses=inline_serializer(
            "DueDate",
            {
                "received_at": serializers.DateTimeField(),
                "counted_from": serializers.DateTimeField(),
                "due_at": serializers.DateTimeField(),
            },
        ),
        summary="Legal due date of a dossier received at a given time",
        description=(
            "working_days/working_hours: counted in working time from the next working moment "
            "at or after receipt. calendar_days (Civil Code 2015 Art. 147-148): the day of "
            "receipt is not counted; counted_from is 00:00 of the next day and the period ends "
            "at the end of working time (17:00) of its last day, moved to the end of the next "
            "working day when that is a day off. same_day: the end of the working day of "
            "receipt, or of the next working day after the cut-off (default 15:00)."
        ),
    )
    def get(self, request: Request) -> Response:
        query = DueDateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        due = get_calendar().due_date(
            data["received_at"],
            Duration(data["duration"], data["unit"]),
            cutoff=data.get("cutoff"),
        )
        return Response(
            {
                "received_at": iso(due.received_at),
                "counted_from": iso(due.counted_from),
                "due_at": iso(due.due_at),
            }
        )
