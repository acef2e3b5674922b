"""The data-sharing API (/api/v1/sharing/): other agencies' systems read Motcua's services.

- POST token: an access token for a consumer's client credentials (OAuth 2.0, RFC 6749 §4.4;
  django-oauth-toolkit), at most SHARING_TOKEN_REQUESTS_PER_MINUTE a minute per address;
- GET procedures, procedures/<ref> (scope `catalogue`): the catalogue, as the public API;
- GET dossiers/<code> (scope `dossier-status`): a dossier's status with its applicant;
- GET dossiers/<code>/results, …/results/<id>.pdf (scope `results`): its signed results;
- GET statistics/index, statistics/<table> (scope `statistics`): the Decision 766 index and
  the aggregate statistics tables of motcua.reporting, read-only.

The dossier and result services give personal data: each needs the X-Purpose and X-Officer
headers, and each such call, answered or not, is one row of the exchange log (direction "in",
the consumer, its officer, the applicant, the data, the purpose, the time), which the
applicant sees on their page and auditors search. A consumer with a reach sees only the
dossiers of its agencies: any other code is answered like an unknown one (404).

Views validate, check, read, log, render; the rules live in integration.consumers (the
consumers' credentials, scopes and reach), integration.exchange_log and motcua.reporting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, NoReturn, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.views import TokenView
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog import selectors as catalog
from motcua.catalog.api import (
    OnQuery,
    ProcedureDetailSerializer,
    ProcedureListItemSerializer,
    ProcedureListQuery,
)
from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.ratelimit import client_address, refused
from motcua.core.schema import problem_response
from motcua.dossiers.models import Dossier
from motcua.integration import consumers, exchange_log
from motcua.integration.exchange_log import Direction, Exchange, Outcome
from motcua.integration.models import ConsumerSystem, Scope
from motcua.records.models import ResultDocument, ResultState
from motcua.reporting.answers import index_answer, table_answer
from motcua.reporting.queries import read_query
from motcua.reporting.serializers import (
    IndexQuery,
    IndexResponseSerializer,
    StatisticsQuery,
    StatisticsTableSerializer,
)
from motcua.reporting.tables import TABLES
from motcua.sharing.authentication import (
    OFFICER_HEADER,
    OFFICER_MAX,
    PURPOSE_HEADER,
    PURPOSE_MAX,
    ConsumerAuthentication,
    ConsumerRate,
    Declared,
    RateLimited,
    ServiceScope,
    consumer_of,
    declared_request,
)
from motcua.sharing.serializers import (
    SharedDossierSerializer,
    SharedResultsSerializer,
    dossier_payload,
    result_payload,
)

SYSTEM = "sharing"  # exchange_log.SYSTEMS
DATA_STATUS = "dossier status, applicant's name, ID number or tax code"
DATA_RESULTS = "signed results of the dossier: number, title, owner, signer"
DATA_RESULT_FILE = "signed result document (PDF)"
CODE = re.compile(r"[0-9A-Za-z.\-]{1,48}")  # dossiers.codes: <unit code>-<YYMMDD>-<NNNN>
# The statistics tables that count, never name: not the late dossiers (their applicants), the
# late officers or the dossiers near their due time.
SHARED_TABLES = ("intake", "status", "late-units", "processing-times", "rates", "report-unit",
                 "report-sector")

PROBLEMS: dict[int, OpenApiResponse] = {
    401: problem_response(gettext_lazy(
        "No access token, or one that is wrong, expired or revoked, or of an inactive system "
        "(with a Bearer challenge in WWW-Authenticate).")),
    403: problem_response(gettext_lazy(
        "The system's credentials lack this service's scope (code scope_missing).")),
    429: problem_response(gettext_lazy(
        "The system made more calls this minute than it may (code rate_limited): wait for the "
        "seconds in Retry-After.")),
}
DECLARED = [
    OpenApiParameter(PURPOSE_HEADER, {"type": "string", "maxLength": PURPOSE_MAX},
                     OpenApiParameter.HEADER, required=True,
                     description=gettext_lazy(
                         "Why the system asks (Decree 13/2023): kept in the exchange log and "
                         "shown to the person. UTF-8, percent-encoded or not.")),
    OpenApiParameter(OFFICER_HEADER, {"type": "string", "maxLength": OFFICER_MAX},
                     OpenApiParameter.HEADER, required=True,
                     description=gettext_lazy(
                         "The officer (name or account) on whose behalf the system asks, or "
                         "the name of its automatic process. UTF-8, percent-encoded or not.")),
]
PERSONAL_400 = problem_response(gettext_lazy(
    "X-Purpose or X-Officer is missing, unreadable or too long (codes purpose_required, "
    "officer_required, purpose_invalid, officer_invalid), or the code is malformed."))
NO_DOSSIER = gettext_lazy("No dossier with this code.")


class SharingView(APIView):
    """A service of the data-sharing API: a consumer's bearer token with the service's scope,
    within its calls per minute."""

    authentication_classes = [ConsumerAuthentication]
    permission_classes = [ServiceScope]
    throttle_classes = [ConsumerRate]
    required_scopes: ClassVar[list[str]] = []

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise RateLimited(max(1, int(wait or 1)))


class SharingListView(SharingView, generics.ListAPIView):
    pass


# ----------------------------------------------------------------------------- the catalogue


@extend_schema(
    tags=["sharing"], summary="The catalogue of procedures (for consumer systems)",
    parameters=[ProcedureListQuery],
    responses={200: ProcedureListItemSerializer(many=True), **PROBLEMS},
)
class SharedProcedureList(SharingListView):
    required_scopes: ClassVar[list[str]] = [Scope.CATALOGUE]
    serializer_class = ProcedureListItemSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        query = ProcedureListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return catalog.procedure_list(**query.validated_data)


class SharedProcedureDetail(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.CATALOGUE]

    @extend_schema(
        tags=["sharing"], summary="A procedure with the rules in force on a day",
        parameters=[OnQuery, OpenApiParameter(
            "ref", OpenApiTypes.STR, OpenApiParameter.PATH,
            description=gettext_lazy("National code (e.g. 1.001193), or the numeric id of a "
                                     "procedure whose code is not confirmed."))],
        responses={200: ProcedureDetailSerializer, **PROBLEMS,
                   404: problem_response(gettext_lazy(
                       "Unknown code, or no version in force on that day."))},
    )
    def get(self, request: Request, ref: str) -> Response:
        query = OnQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        _procedure, version = catalog.procedure_detail(ref, query.validated_data.get("on"))
        return Response(ProcedureDetailSerializer(version).data)


# ------------------------------------------------------------------ dossiers (personal data)


def _exchange(consumer: ConsumerSystem, declared: Declared, operation: str, data: str,
              code: str, dossier: Dossier | None) -> Exchange:
    return Exchange(
        system=SYSTEM, operation=operation, data=data, purpose=declared.purpose,
        direction=Direction.INBOUND, consumer=consumer, remote_officer=declared.officer,
        dossier_code=code,
        id_number=dossier.applicant_id_number if dossier is not None else "",
        tax_code=dossier.applicant_tax_code if dossier is not None else "")


def _asked_dossier(request: Request, code: str, operation: str, data: str,
                   related: tuple[str, ...] = ()) -> tuple[Dossier, Exchange]:
    """The dossier a call asks about, if the consumer may ask; else the refusal is logged and
    the call answered 404, alike for an unknown code and one out of the consumer's reach."""
    declared = declared_request(request)
    if not CODE.fullmatch(code):
        raise InvalidInput(_("A dossier code has letters, digits, dots and hyphens only, at "
                             "most 48."), code="invalid_code")
    consumer = consumer_of(request)
    dossier, reachable = consumers.find_dossier(consumer, code, related)
    exchange = _exchange(consumer, declared, operation, data, code, dossier)
    if dossier is None or not reachable:
        exchange_log.record(exchange, Outcome.NOT_FOUND if dossier is None else Outcome.REFUSED)
        raise NotFound(str(NO_DOSSIER))
    return dossier, exchange


CODE_PARAMETER = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH,
                                  description=gettext_lazy("The dossier's code."))
F = TypeVar("F", bound=Callable[..., Any])
NOT_FOUND_404 = problem_response(gettext_lazy(
    "No dossier with this code, or one the system may not ask about (the same answer)."))


def personal_data(summary: str, ok: Any, *, parameters: tuple[OpenApiParameter, ...] = (),
                  not_found: OpenApiResponse = NOT_FOUND_404) -> Callable[[F], F]:
    """The schema of a service that gives personal data (`ok`: the 200 answer, or the answers
    by status and media type)."""
    return extend_schema(
        tags=["sharing"], summary=summary, parameters=[CODE_PARAMETER, *DECLARED, *parameters],
        responses={**(ok if isinstance(ok, dict) else {200: ok}), 400: PERSONAL_400,
                   **PROBLEMS, 404: not_found},
        description=gettext_lazy("Personal data: the call is kept in the exchange log, which "
                                 "the applicant sees."))


class SharedDossier(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.DOSSIER_STATUS]

    @personal_data("A dossier's status, with its applicant", SharedDossierSerializer)
    def get(self, request: Request, code: str) -> Response:
        dossier, exchange = _asked_dossier(
            request, code, "dossier-status", DATA_STATUS,
            ("procedure", "procedure_version", "receiving_agency", "handling_agency"))
        payload = SharedDossierSerializer(dossier_payload(dossier)).data
        exchange_log.record(exchange, Outcome.FOUND)
        return Response(payload)


class SharedResults(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.RESULTS]

    @personal_data("A dossier's signed electronic results", SharedResultsSerializer)
    def get(self, request: Request, code: str) -> Response:
        dossier, exchange = _asked_dossier(request, code, "results", DATA_RESULTS)
        signed = (ResultDocument.objects.filter(dossier=dossier, state=ResultState.SIGNED)
                  .select_related("signer_agency").order_by("-issued_at", "-id"))
        for r in signed:
            r.dossier = dossier
        payload = SharedResultsSerializer(
            {"code": dossier.code, "results": [result_payload(r, request) for r in signed]}).data
        exchange_log.record(exchange, Outcome.FOUND)
        return Response(payload)


class SharedResultFile(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.RESULTS]

    @personal_data(
        "A signed result as its PDF", {(200, "application/pdf"): OpenApiTypes.BINARY},
        parameters=(OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH),),
        not_found=problem_response(gettext_lazy(
            "No dossier with this code that the system may ask about, or no such signed "
            "result in it.")))
    def get(self, request: Request, code: str, public_id: str) -> FileResponse:
        dossier, exchange = _asked_dossier(request, code, "result-file", DATA_RESULT_FILE)
        result = ResultDocument.objects.filter(dossier=dossier, public_id=public_id,
                                               state=ResultState.SIGNED).first()
        if result is None:
            exchange_log.record(exchange, Outcome.NOT_FOUND)
            raise NotFound(_("No such signed result in this dossier."))
        response = FileResponse(result.file.open("rb"), as_attachment=True,
                                filename=f"{result.public_id}.pdf",
                                content_type="application/pdf")
        exchange_log.record(exchange, Outcome.FOUND)
        return response


# ------------------------------------------------------------------------------ statistics


class SharedIndex(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.STATISTICS]

    @extend_schema(
        tags=["sharing"], summary="A unit's Decision 766 service-quality index",
        parameters=[IndexQuery],
        responses={200: IndexResponseSerializer, **PROBLEMS, 400: problem_response(
            gettext_lazy("Invalid query: a parameter is missing, out of its bounds or unknown, "
                         "or the period has not begun."))},
        description=gettext_lazy("As GET /api/v1/index: the national portal's evaluation "
                                 "shape, read from the rollups."),
    )
    def get(self, request: Request) -> Response:
        query = read_query(request.query_params)
        return Response(index_answer(query, query.group))


TABLE_PARAMETER = OpenApiParameter(
    "table", str, OpenApiParameter.PATH, enum=list(SHARED_TABLES),
    description=gettext_lazy("The tables that count dossiers: intake, status, late-units, "
                             "processing-times, rates, report-unit, report-sector."))


class SharedStatistics(SharingView):
    required_scopes: ClassVar[list[str]] = [Scope.STATISTICS]

    @extend_schema(
        tags=["sharing"], summary="A statistics table of dossier handling (a page of rows)",
        parameters=[TABLE_PARAMETER, StatisticsQuery],
        responses={200: StatisticsTableSerializer, **PROBLEMS,
                   400: problem_response(gettext_lazy(
                       "Invalid query: a parameter is missing, out of its bounds or unknown, "
                       "or the period has not begun.")),
                   404: problem_response(gettext_lazy(
                       "No statistics table of the data-sharing API has this name."))},
        description=gettext_lazy("As GET /api/v1/statistics/<table>, for the tables that "
                                 "count dossiers and name nobody."),
    )
    def get(self, request: Request, table: str) -> Response:
        if table not in SHARED_TABLES:
            raise NotFound(_("No statistics table of the data-sharing API has this name."))
        query = read_query(request.query_params)
        return Response(table_answer(TABLES[table], query, request.query_params))


# ----------------------------------------------------------------------------- the token


@method_decorator(csrf_exempt, name="dispatch")
class Token(TokenView):  # type: ignore[misc,no-any-unimported]  # untyped base class
    """django-oauth-toolkit's token endpoint, with a limit per client address: every wrong
    secret of a known client costs a password hash."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request)
        wait = refused(f"sharing-token:{address}", settings.SHARING_TOKEN_REQUESTS_PER_MINUTE)
        if wait is not None:
            response = JsonResponse({"error": "slow_down", "error_description": ngettext(
                "Too many token requests from your address; try again in %(seconds)s second.",
                "Too many token requests from your address; try again in %(seconds)s seconds.",
                wait) % {"seconds": wait}}, status=429)
            response["Retry-After"] = str(wait)
            response["Cache-Control"] = "no-store"
            return response
        answer: HttpResponse = super().post(request, *args, **kwargs)
        return answer
