"""Ratings and petitions API: validate input, check the policy, call one action, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput
from motcua.core.schema import problem_response
from motcua.dossiers import policy as dossier_policy
from motcua.org.authentication import signed_in
from motcua.org.selectors import agency_by_code
from motcua.petitions import actions, policy, selectors
from motcua.petitions.models import Petition
from motcua.petitions.serializers import (
    AnswerInput,
    AnswerRatingInput,
    InformationInput,
    PetitionInput,
    PetitionSerializer,
    RatingInput,
    RatingSerializer,
    petition_payload,
    rating_payload,
)

CITIZENS_ONLY = problem_response(gettext_lazy(
    "Petitions and ratings are filed from a citizen's account (code citizens_only)."))
PETITIONER_ONLY = problem_response(gettext_lazy("Only the petitioner may do this."))


def _payload(p: Petition) -> dict[str, Any]:
    return petition_payload(p, late=selectors.timing(p, timezone.now()).late)


def _petition(request: Request, petition_id: int) -> Petition:
    return policy.get_visible(signed_in(request), petition_id,
                              Petition.objects.select_related(*selectors.LIST_RELATED))


class DossierRating(APIView):
    @extend_schema(
        request=RatingInput,
        responses={201: RatingSerializer, 403: CITIZENS_ONLY,
                   404: problem_response(gettext_lazy(
                       "No dossier with this code is visible to the caller.")),
                   409: problem_response(gettext_lazy(
                       "The dossier is not finished (code not_finished), or the caller rated "
                       "it already (code already_rated)."))},
        summary="Rate a finished dossier: satisfied or not, with the reason",
    )
    def post(self, request: Request, code: str) -> Response:
        user = signed_in(request)
        dossier = dossier_policy.get_visible(user, code)
        policy.require_rate_dossier(user, dossier)
        body = RatingInput(data=request.data)
        body.is_valid(raise_exception=True)
        rating = actions.rate_dossier(dossier, user, **body.validated_data)
        return Response(rating_payload(rating, dossier.code), status=201)


class Petitions(generics.GenericAPIView):
    serializer_class = PetitionSerializer

    def get_queryset(self) -> QuerySet[Petition]:
        return policy.visible_petitions(self.request.user) \
            .select_related(*selectors.LIST_RELATED).order_by("-received_at", "-pk")

    @extend_schema(responses=PetitionSerializer(many=True),
                   summary="Petitions visible to the caller: their own, or their agencies'")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([_payload(p) for p in page])

    @extend_schema(
        request=PetitionInput,
        responses={201: PetitionSerializer, 403: CITIZENS_ONLY,
                   404: problem_response(gettext_lazy(
                       "No dossier with the code given is visible to the caller.")),
                   409: problem_response(gettext_lazy(
                       "An earlier petition of the caller on the same matter is still being "
                       "handled (code petition_open, with its number in `petition`)."))},
        summary="File a petition about a dossier or a procedure, to the competent agency",
    )
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        policy.require_citizen(user)
        body = PetitionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        dossier = procedure = agency = None
        if code := data.get("dossier_code"):
            dossier = dossier_policy.get_visible(user, code)
        elif ref := data.get("procedure_code"):
            procedure = Procedure.objects.filter(code=ref, is_active=True).first()
            if procedure is None:
                raise InvalidInput(_("Unknown procedure code."), code="procedure_code",
                                   field="procedure_code")
            if agency_code := data.get("agency_code"):
                agency = agency_by_code(agency_code)
                if agency is None:
                    raise InvalidInput(_("Unknown agency code."), code="agency_code",
                                       field="agency_code")
        petition = actions.file_petition(user, text=data["text"], topic=data["topic"],
                                         dossier=dossier, procedure=procedure, agency=agency)
        return Response(_payload(petition), status=201)


class PetitionDetail(APIView):
    @extend_schema(responses=PetitionSerializer, summary="A petition with its answer")
    def get(self, request: Request, petition_id: int) -> Response:
        return Response(_payload(_petition(request, petition_id)))


class PetitionAnswer(APIView):
    @extend_schema(
        request=AnswerInput,
        responses={200: PetitionSerializer,
                   403: problem_response(gettext_lazy(
                       "Only the competent agency's one-stop officers, heads and leaders "
                       "answer its petitions.")),
                   409: problem_response(gettext_lazy(
                       "The petition is not waiting for the agency (code petition_not_open), "
                       "or more information was asked for once already (code "
                       "clarify_once)."))},
        summary="Answer a petition, refuse to handle it, or ask for more information",
    )
    def post(self, request: Request, petition_id: int) -> Response:
        user = signed_in(request)
        petition = _petition(request, petition_id)
        policy.require_answer(user, petition)
        body = AnswerInput(data=request.data)
        body.is_valid(raise_exception=True)
        petition = actions.answer_petition(petition, user, **body.validated_data)
        return Response(_payload(_petition(request, petition.pk)))


class PetitionInformation(APIView):
    @extend_schema(
        request=InformationInput,
        responses={200: PetitionSerializer, 403: PETITIONER_ONLY,
                   409: problem_response(gettext_lazy(
                       "The agency has not asked for more information (code not_waiting)."))},
        summary="Give the information the agency asked for",
    )
    def post(self, request: Request, petition_id: int) -> Response:
        user = signed_in(request)
        petition = _petition(request, petition_id)
        policy.require_petitioner(user, petition, "add_information")
        body = InformationInput(data=request.data)
        body.is_valid(raise_exception=True)
        actions.add_information(petition, user, text=body.validated_data["text"])
        return Response(_payload(_petition(request, petition.pk)))


class PetitionRating(APIView):
    @extend_schema(
        request=AnswerRatingInput,
        responses={200: PetitionSerializer, 403: PETITIONER_ONLY,
                   409: problem_response(gettext_lazy(
                       "The petition has no answer yet (code not_answered), or its answer "
                       "was rated already (code already_rated)."))},
        summary="Say whether the answer to one's petition was satisfying",
    )
    def post(self, request: Request, petition_id: int) -> Response:
        user = signed_in(request)
        petition = _petition(request, petition_id)
        policy.require_petitioner(user, petition, "rate_answer")
        body = AnswerRatingInput(data=request.data)
        body.is_valid(raise_exception=True)
        actions.rate_answer(petition, user, satisfied=body.validated_data["satisfied"])
        return Response(_payload(_petition(request, petition.pk)))
