"""Public catalogue API: GET /api/v1/procedures, /api/v1/procedures/<code>, /api/v1/sectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog import selectors
from motcua.catalog.models import (
    ComponentRequirement,
    DurationUnit,
    Fee,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    Sector,
    SupplementMode,
)
from motcua.core.schema import problem_response
from motcua.org.models import Agency

# ------------------------------------------------------------------------------ queries


class ProcedureListQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text=_("Words of the name, with or without diacritics, or a code prefix."),
    )
    sector = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1,  # the ids' column holds no more
        help_text=_("Sector id (see /api/v1/sectors).")
    )
    level = serializers.ChoiceField(
        choices=Level.choices, required=False,
        help_text=_("commune or province also return procedures performed at both levels."),
    )
    online_level = serializers.ChoiceField(
        choices=OnlineLevel.choices, required=False,
        help_text=_("Online level of the version in force today."),
    )


class OnQuery(serializers.Serializer):
    on = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        help_text=_("The day whose rules apply, YYYY-MM-DD (default: today)."),
    )


# ------------------------------------------------------------------------------ output


class ProcedureSectorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProcedureDurationSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text=_("Null when the published duration is not confirmed.")
    )
    unit = serializers.ChoiceField(
        choices=DurationUnit.choices, allow_blank=True,
        help_text=_("Blank when not confirmed."),
    )
    text = serializers.CharField(help_text=_("The duration as published."))


class DurationCaseSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        help_text=_("In the language of the request."))
    value = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=DurationUnit.choices)
    online_value = serializers.IntegerField(allow_null=True)
    rule = serializers.CharField(
        allow_blank=True,
        help_text=_("The dossier data that selects the case by itself, e.g. "
                    "form_data.can_xac_minh = true; blank: the officer chooses it at receipt."),
    )


def cases_of(version: ProcedureVersion) -> list[dict[str, Any]]:
    return [{
        "key": c.key, "label": c.label, "value": c.value, "unit": c.unit,
        "online_value": c.online_value,
        "rule": f"{c.when_field} = {str(c.when_equals).lower()}" if c.when_field else "",
    } for c in version.cases()]


def duration_of(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "value": version.duration_value,
        "unit": version.duration_unit,
        "text": version.duration_text,
    }


class ProcedureListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(
        allow_null=True, help_text=_("National code; null while not confirmed.")
    )
    name = serializers.SerializerMethodField()
    sector = ProcedureSectorSerializer()
    level = serializers.SerializerMethodField()
    duration = serializers.SerializerMethodField()
    online_level = serializers.SerializerMethodField()

    def get_name(self, obj: Procedure) -> str:
        version = selectors.current(obj)
        return version.name if version else obj.name

    @extend_schema_field(serializers.ChoiceField(choices=Level.choices))
    def get_level(self, obj: Procedure) -> str:
        version = selectors.current(obj)
        return version.level if version else obj.level
    fee_total_vnd = serializers.SerializerMethodField()

    @extend_schema_field(ProcedureDurationSerializer(allow_null=True))
    def get_duration(self, obj: Procedure) -> dict[str, Any] | None:
        version = selectors.current(obj)
        return duration_of(version) if version else None

    @extend_schema_field(
        serializers.ChoiceField(choices=OnlineLevel.choices, allow_null=True)
    )
    def get_online_level(self, obj: Procedure) -> str | None:
        version = selectors.current(obj)
        return version.online_level if version else None

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text=_("Sum of the fees charged in VND (fees[].applies), the same in person "
                        "and online; null when an amount is unknown or the total differs "
                        "by channel."),
        )
    )
    def get_fee_total_vnd(self, obj: Procedure) -> int | None:
        return selectors.fee_total(selectors.current(obj))


class ProcedureComponentSerializer(serializers.ModelSerializer):
    form = serializers.ChoiceField(choices=ComponentRequirement.Form.choices)
    quantity = serializers.IntegerField(
        allow_null=True, help_text=_("Null when not confirmed; 0: information only.")
    )
    eform_schema = serializers.JSONField(allow_null=True)

    class Meta:
        model = ComponentRequirement
        fields = [
            "id", "position", "code", "name", "form", "quantity", "required", "condition",
            "digitization_required", "eform_schema",
        ]


class ProcedureFeeSerializer(serializers.ModelSerializer):
    amount_vnd = serializers.IntegerField(
        allow_null=True, help_text=_("Null when the amount is not confirmed (see note).")
    )

    class Meta:
        model = Fee
        fields = ["position", "name", "amount_vnd", "applies", "note"]


class ProcedureVersionRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(
        allow_null=True, help_text=_("Exclusive: the version is in force before this day.")
    )


class ProcedurePublicationSerializer(serializers.Serializer):
    decision_number = serializers.CharField(help_text=_("Publishing decision, e.g. 163/QĐ-BTP."))
    decision_date = serializers.DateField(allow_null=True)
    legal_effective_date = serializers.DateField(allow_null=True)
    made_public_at = serializers.DateField(allow_null=True)


class ProcedureDetailSerializer(serializers.Serializer):
    """A procedure with the rules of one version (instance: the version)."""

    id = serializers.IntegerField(source="procedure.id")
    code = serializers.CharField(source="procedure.code", allow_null=True)
    name = serializers.CharField()
    name_en = serializers.CharField()
    sector = ProcedureSectorSerializer(source="procedure.sector")
    level = serializers.ChoiceField(choices=Level.choices)
    is_active = serializers.BooleanField(source="procedure.is_active")
    version = serializers.SerializerMethodField()
    implementing_agency = serializers.CharField()
    competent_agency = serializers.CharField()
    handling_agency_kind = serializers.ChoiceField(
        choices=Agency.Kind.choices, allow_blank=True,
        help_text=_("Kind of agency that handles dossiers (a deployment setting)."),
    )
    steps = serializers.CharField()
    method = serializers.CharField()
    applicant_types = serializers.ListField(child=serializers.CharField())
    duration = serializers.SerializerMethodField()
    online_duration_value = serializers.IntegerField(allow_null=True)
    duration_cases = serializers.SerializerMethodField()
    cutoff = serializers.TimeField(format="%H:%M", allow_null=True)
    supplement_mode = serializers.ChoiceField(choices=SupplementMode.choices)
    pause_on_payment = serializers.BooleanField()
    max_apologies = serializers.IntegerField()
    result_valid_months = serializers.IntegerField(
        allow_null=True,
        help_text=_("How many months a result stays valid from its issue (a deployment "
                    "setting); null: no end date."))
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices)
    components = ProcedureComponentSerializer(many=True)
    fees = ProcedureFeeSerializer(many=True)
    fee_total_vnd = serializers.SerializerMethodField()
    results = serializers.CharField()
    legal_basis = serializers.CharField()
    publication = serializers.SerializerMethodField()
    source_url = serializers.CharField()
    unconfirmed = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Fields published as '?' (not confirmed), stored as null or blank."),
    )
    confirmed = serializers.ListField(
        child=serializers.CharField(), help_text=_("Fields backed by a cited source.")
    )
    notes = serializers.CharField()
    versions = serializers.SerializerMethodField()

    @extend_schema_field(ProcedureVersionRefSerializer)
    def get_version(self, obj: ProcedureVersion) -> dict[str, Any]:
        return ProcedureVersionRefSerializer(obj).data

    @extend_schema_field(ProcedureDurationSerializer)
    def get_duration(self, obj: ProcedureVersion) -> dict[str, Any]:
        return duration_of(obj)

    @extend_schema_field(DurationCaseSerializer(many=True))
    def get_duration_cases(self, obj: ProcedureVersion) -> list[dict[str, Any]]:
        return cases_of(obj)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_fee_total_vnd(self, obj: ProcedureVersion) -> int | None:
        return selectors.fee_total(obj)

    @extend_schema_field(ProcedurePublicationSerializer)
    def get_publication(self, obj: ProcedureVersion) -> dict[str, Any]:
        return ProcedurePublicationSerializer(obj).data

    @extend_schema_field(ProcedureVersionRefSerializer(many=True))
    def get_versions(self, obj: ProcedureVersion) -> list[dict[str, Any]]:
        versions = getattr(obj.procedure, "all_versions", None) or obj.procedure.versions.order_by(
            "number"
        )
        return list(ProcedureVersionRefSerializer(versions, many=True).data)


class SectorSerializer(serializers.ModelSerializer):
    procedure_count = serializers.IntegerField(help_text=_("Active procedures."))

    class Meta:
        model = Sector
        fields = ["id", "name", "procedure_count"]


# ------------------------------------------------------------------------------ views


@extend_schema(
    tags=["catalog"],
    summary="Search the catalogue of procedures",
    parameters=[ProcedureListQuery],
    responses={
        200: ProcedureListItemSerializer(many=True),
        400: problem_response(_("Invalid filter (application/problem+json).")),
    },
)
class ProcedureListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProcedureListItemSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        query = ProcedureListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.procedure_list(**query.validated_data)


class ProcedureDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["catalog"],
        summary="A procedure with the rules in force on a day",
        parameters=[
            OnQuery,
            OpenApiParameter(
                "ref", OpenApiTypes.STR, OpenApiParameter.PATH,
                description=_("National code (e.g. 1.001193), or the numeric id of a "
                              "procedure whose code is not confirmed."),
            ),
        ],
        responses={
            200: ProcedureDetailSerializer,
            400: problem_response(_("Malformed `on` date (application/problem+json).")),
            404: problem_response(_("Unknown code, or no version in force on that day.")),
        },
    )
    def get(self, request: Request, ref: str) -> Response:
        query = OnQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        _procedure, version = selectors.procedure_detail(ref, query.validated_data.get("on"))
        return Response(ProcedureDetailSerializer(version).data)


@extend_schema(tags=["catalog"], summary="Sectors of the catalogue")
class SectorListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = SectorSerializer

    def get_queryset(self) -> QuerySet[Sector]:
        return selectors.sector_list()
