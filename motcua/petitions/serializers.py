"""The API's shapes for ratings and petitions (input and output)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.core.formatting import iso_local
from motcua.dossiers.serializers import AgencyRefSerializer
from motcua.petitions.actions import MAX_TEXT
from motcua.petitions.models import Outcome, Petition, Rating, Satisfaction, Topic


class RatingInput(serializers.Serializer):
    satisfied = serializers.BooleanField(help_text=_("true: satisfied; false: dissatisfied."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                   help_text=_("Why; required when dissatisfied."))


class RatingSerializer(serializers.Serializer):
    dossier_code = serializers.CharField()
    satisfied = serializers.BooleanField()
    reason = serializers.CharField()
    rated_at = serializers.DateTimeField()


def rating_payload(r: Rating, code: str) -> dict[str, Any]:
    return {"dossier_code": code, "satisfied": not r.disliked, "reason": r.reason,
            "rated_at": iso_local(r.rated_at)}


class PetitionInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)
    topic = serializers.ChoiceField(choices=Topic.choices)
    dossier_code = serializers.CharField(required=False, max_length=48,
                                         help_text=_("The dossier it is about (one you may "
                                                     "read), or:"))
    procedure_code = serializers.CharField(required=False, max_length=20,
                                           help_text=_("the procedure it is about, with:"))
    agency_code = serializers.CharField(
        required=False, max_length=32,
        help_text=_("the competent agency it goes to (optional when the procedure has only "
                    "one)."))


class AnswerInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    text = serializers.CharField(max_length=MAX_TEXT,
                                 help_text=_("The answer, the reason of the refusal, or the "
                                             "information asked for."))


class InformationInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)


class AnswerRatingInput(serializers.Serializer):
    satisfied = serializers.BooleanField()


class PetitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Petition.Status.choices)
    topic = serializers.ChoiceField(choices=Topic.choices)
    text = serializers.CharField()
    dossier_code = serializers.CharField(allow_null=True)
    procedure_code = serializers.CharField(allow_null=True)
    procedure_name = serializers.CharField()
    agency = AgencyRefSerializer()
    received_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    late = serializers.BooleanField(help_text=_("Past its deadline, or handled late."))
    question = serializers.CharField()
    asked_at = serializers.DateTimeField(allow_null=True)
    information = serializers.CharField()
    informed_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(help_text=_("The answer, or the reason of a refusal."))
    handled_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.ChoiceField(choices=[("", "—"), *Satisfaction.choices])
    rated_at = serializers.DateTimeField(allow_null=True)
    repeated = serializers.BooleanField()
    repeats = serializers.IntegerField(allow_null=True)


def petition_payload(p: Petition, *, late: bool) -> dict[str, Any]:
    return {
        "id": p.pk, "status": p.status, "topic": p.topic, "text": p.text,
        "dossier_code": p.dossier.code if p.dossier_id and p.dossier else None,
        "procedure_code": p.procedure.code, "procedure_name": p.procedure.name,
        "agency": {"code": p.agency.code, "name": p.agency.name},
        "received_at": iso_local(p.received_at), "deadline": iso_local(p.deadline),
        "late": late, "question": p.question, "asked_at": iso_local(p.asked_at),
        "information": p.information, "informed_at": iso_local(p.informed_at),
        "answer": p.answer, "handled_at": iso_local(p.handled_at), "rating": p.rating,
        "rated_at": iso_local(p.rated_at), "repeated": p.repeated, "repeats": p.repeats_id,
    }
