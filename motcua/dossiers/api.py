"""Dossier API: validate input, check the policy, call one action, render. Nothing more."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import (
    PROBLEM_CONTENT_TYPE,
    InvalidInput,
    NotAllowed,
    NotFound,
    _title,
    problem,
)
from motcua.core.formatting import iso_local, local
from motcua.core.idempotency import MAX_KEY_LENGTH, run_once
from motcua.core.parsers import MultiPartParser
from motcua.core.ratelimit import public_lookup_refused
from motcua.core.schema import problem_response
from motcua.dossiers import actions, books, lifecycle, policy, returns, uploads
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.selectors import detail_by_code, detail_queryset, dispatch_queue
from motcua.dossiers.serializers import (
    API_INPUT_NAMES,
    ActionSerializer,
    CounterIntakeSerializer,
    DispatchItemSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    SubmissionSerializer,
    TrackingSerializer,
    UploadSerializer,
    detail_payload,
    parse_action_inputs,
    tracking_payload,
)
from motcua.org.authentication import signed_in
from motcua.org.models import Agency, User


def _submission(data: dict[str, Any], channel: int) -> actions.Submission:
    agency = (Agency.objects.select_related("unit__parent")
              .filter(code=data["receiving_agency_code"]).first())
    if agency is None:
        raise InvalidInput(_("Unknown receiving agency code."), code="unknown_agency")
    return actions.Submission(
        procedure_code=data["procedure_code"],
        receiving_agency=agency,
        applicant=actions.Applicant(**data["applicant"]),
        components=[actions.ComponentInput(**c) for c in data.get("components", [])],
        form_data=data.get("form_data", {}),
        channel=channel,
        result_return=returns.ResultReturn(**data["result_return"])
        if data.get("result_return") else None,
    )


def _detail(dossier: Dossier, request: Request) -> dict[str, Any]:
    """The detail of `dossier` as it is now (read again, with its relations)."""
    found = detail_by_code(dossier.code)
    assert found is not None  # the action has just changed it: a dossier is never deleted
    return detail_payload(found, request.user)


STATUS_CODES = frozenset(str(int(s)) for s in Status)
STATUS_PATTERN = r"^(10|[0-9])(,(10|[0-9]))*$"
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "maxLength": MAX_KEY_LENGTH}, OpenApiParameter.HEADER,
    description="a retried request with the same key (printable characters) replays the "
                "first answer instead of acting twice")
IDEMPOTENCY_REUSED = problem_response(gettext_lazy(
    "The Idempotency-Key was used before with another request."))


class DossierListCreate(generics.GenericAPIView):
    serializer_class = DossierListSerializer

    def get_queryset(self) -> QuerySet[Dossier]:
        qs = policy.visible_dossiers(self.request.user).select_related(
            "procedure", "procedure_version"
        )
        params = self.request.query_params
        if status := params.get("status"):
            wanted = [s.strip() for s in status.split(",")]
            if not all(s in STATUS_CODES for s in wanted):
                raise InvalidInput(_("status must be status numbers (0 to 10) separated by "
                                     "commas."), code="status")
            qs = qs.filter(status__in=[int(s) for s in wanted])
        if procedure := params.get("procedure"):
            qs = qs.filter(procedure__code=procedure)
        if code := params.get("q"):
            qs = qs.filter(code__startswith=code.strip())
        return qs.order_by("-submitted_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, pattern=STATUS_PATTERN,
                             description="status numbers (0 to 10) separated by commas, e.g. "
                                         "2,4"),
            OpenApiParameter("procedure", str, description="national procedure code"),
            OpenApiParameter("q", str, description="dossier code, or its beginning"),
        ],
        responses=DossierListSerializer(many=True),
        summary="Dossiers visible to the caller",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=SubmissionSerializer, parameters=[IDEMPOTENCY_KEY],
        responses={201: DossierDetailSerializer,
                   403: problem_response(gettext_lazy(
                       "Staff receive dossiers through the counter intake.")),
                   422: IDEMPOTENCY_REUSED},
        summary="Submit a dossier online (applicant or integrating system)",
    )
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        if user.kind == User.Kind.STAFF:
            raise NotAllowed(_("Staff receive dossiers through the counter intake."))
        body = SubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def create() -> tuple[int, dict]:
            dossier, related = actions.submit_described(_submission(body.validated_data, 2),
                                                        account=user)
            return 201, detail_payload(dossier, user, related)

        return run_once(f"user:{user.pk}", request.headers.get("Idempotency-Key"),
                        request.data, create)


class CounterIntake(APIView):
    @extend_schema(request=CounterIntakeSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: DossierDetailSerializer,
                              403: problem_response(gettext_lazy(
                                  "Only a one-stop officer of the receiving unit may do this.")),
                              422: IDEMPOTENCY_REUSED},
                   summary="Receive a dossier at the counter on an applicant's behalf")
    def post(self, request: Request) -> Response:
        body = CounterIntakeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = signed_in(request)
        sub = _submission(data, 1)
        if not policy.can_intake(user, sub.receiving_agency.pk):
            raise NotAllowed(_("Only a one-stop officer of the receiving unit may do this."))

        def create() -> tuple[int, dict]:
            dossier = actions.intake_at_counter(
                sub, officer=user, decision=data["decision"], reason=data.get("reason", ""),
                missing=data.get("missing"), duration_case=data.get("duration_case", ""),
                duration_reason=data.get("duration_reason", ""),
            )
            return 201, _detail(dossier, request)

        return run_once(f"user:{user.pk}", request.headers.get("Idempotency-Key"),
                        request.data, create)


class DossierDetail(APIView):
    @extend_schema(responses=DossierDetailSerializer, summary="A dossier with its timeline")
    def get(self, request: Request, code: str) -> Response:
        dossier = policy.get_visible(request.user, code, detail_by_code)
        return Response(detail_payload(dossier, request.user))


def actions_description() -> str:
    """What each action takes, from the registry (lifecycle.ACTIONS), for the schema."""
    def described(i: lifecycle.Input) -> str:
        name = f"`{API_INPUT_NAMES.get(i.name, i.name)}`"
        also = f" (or `{i.also}`)" if i.also else ""
        return f"{name}{also}{' (required)' if i.required else ''}"

    lines = [f"- `{name}`: "
             + (", ".join(described(i) for i in lifecycle.ACTIONS[name].inputs) or "no input")
             for name in lifecycle.API_ACTIONS]
    return ("The action named in the path, if the dossier's status and the caller's roles "
            "allow it (the dossier's `allowed_actions`). The inputs each action takes (fields "
            "of the body that it does not take are ignored):\n\n" + "\n".join(lines))


class DossierAction(APIView):
    @extend_schema(
        request=ActionSerializer,
        responses={
            200: DossierDetailSerializer,
            403: problem_response(gettext_lazy(
                "The caller may not take this action on this dossier.")),
            404: problem_response(gettext_lazy(
                "No dossier with this code is visible to the caller, or no such action.")),
            409: problem_response(gettext_lazy(
                "Not allowed in the dossier's status (code illegal_transition, with `allowed`: "
                "the actions that are), or done through the dossier's process steps.")),
        },
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH,
                                     enum=lifecycle.API_ACTIONS)],
        summary="Move a dossier through its lifecycle",
        description=actions_description(),
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        if action not in lifecycle.API_ACTIONS:
            raise NotFound(_("Unknown action."))
        user = signed_in(request)
        dossier = policy.get_visible(user, code)
        policy.require_action(user, dossier, action)
        actions.perform(dossier, action, user, **parse_action_inputs(action, request.data))
        return Response(_detail(dossier, request))


class DispatchQueue(generics.GenericAPIView):
    serializer_class = DispatchItemSerializer

    @extend_schema(
        parameters=[OpenApiParameter("agency", str, description="a receiving agency's code")],
        responses=DispatchItemSerializer(many=True),
        summary="Dossiers waiting in the caller's receiving centers to be routed by hand",
    )
    def get(self, request: Request) -> Response:
        """No competent agency could be found for these dossiers (Decree 118): a one-stop
        officer or a head of the receiving center routes each one (action `route`)."""
        qs = dispatch_queue(signed_in(request), request.query_params.get("agency", ""))
        page = self.paginate_queryset(qs) or []
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DossierFiles(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: DossierDetailSerializer,
            400: problem_response(gettext_lazy(
                "The file is refused (code upload_rejected: empty, too large, not of an accepted "
                "type, or its name does not match its content), or the component is unknown.")),
            403: problem_response(gettext_lazy(
                "The caller may not attach files to this dossier now.")),
            409: problem_response(gettext_lazy("Files of a finished dossier cannot change.")),
        },
        summary="Attach a file to a dossier (PDF, JPEG, PNG, DOCX or XLSX)",
    )
    def post(self, request: Request, code: str) -> Response:
        user = signed_in(request)
        dossier = policy.get_visible(user, code)
        policy.require_action(user, dossier, "attach_file")
        actions.perform(dossier, "attach_file", user,
                        **parse_action_inputs("attach_file", request.data))
        return Response(_detail(dossier, request), status=201)


class DossierFileDownload(APIView):
    @extend_schema(
        responses={(200, *sorted(uploads.ALLOWED)): OpenApiTypes.BINARY},
        summary="A file of a dossier, in the type it was found to be at upload",
    )
    def get(self, request: Request, code: str, file_id: int) -> FileResponse:
        stored = policy.readable_file(request.user, code, file_id)
        return FileResponse(stored.file.open("rb"), as_attachment=True,
                            filename=stored.original_name, content_type=stored.content_type)


# Slips follow the numbers of Circular 03/2025/TT-VPCP (01–06). The stop notice was served at
# `stop.pdf` before it had a number: that link answers 301 to `05.pdf`. The control sheet
# printed as "05" before; `05.pdf` now is the stop notice, and the control sheet is `06.pdf`.
# No redirect can keep the old meaning of `05.pdf` without breaking the new one.
OLD_SLIP_NAMES = {"stop": "05"}
BOOK_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DossierSlip(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              301: OpenApiResponse(description="stop.pdf → 05.pdf"),
                              404: problem_response(gettext_lazy(
                                  "No dossier with this code is visible to the caller, or no such "
                                  "form.")),
                              409: problem_response(gettext_lazy(
                                  "The dossier has no data for this form (code "
                                  "slip_not_applicable)."))},
                   summary="An official slip (forms 01–06 of Circular 03/2025) as PDF")
    def get(self, request: Request, code: str, form: str) -> HttpResponse:
        from motcua.dossiers.slips import FORMS, render_slip

        if form in OLD_SLIP_NAMES:  # before any read: says nothing about the dossier
            target = reverse("dossier-slip", kwargs={"code": code, "form": OLD_SLIP_NAMES[form]})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
        dossier = policy.get_visible(request.user, code)
        if form not in FORMS:
            raise NotFound(_("Unknown form."))
        pdf = render_slip(detail_queryset().get(pk=dossier.pk), form)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form}.pdf"'
        return response


class AgencyBook(APIView):
    """Form 07, the unit's dossier tracking book (dossiers.books), as PDF or Excel."""

    @extend_schema(
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["pdf", "xlsx"]),
            OpenApiParameter("from", OpenApiTypes.DATE,
                             description="first day of receipt (default: 1 January)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)"),
            OpenApiParameter("procedure", str, description="national procedure code"),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   (200, BOOK_XLSX): OpenApiTypes.BINARY,
                   403: problem_response(gettext_lazy(
                       "Only the unit's one-stop officers, heads and leaders may read its dossier "
                       "tracking book.")),
                   404: problem_response(gettext_lazy(
                       "No one-stop unit with this code keeps a dossier tracking book, or the "
                       "format is not pdf or xlsx.")),
                   422: problem_response(gettext_lazy(
                       "The book has too many rows for one PDF (code book_too_large): choose a "
                       "shorter period or the Excel workbook."))},
        summary="The dossier tracking book (Form 07) of a one-stop unit",
        operation_id="v1_agencies_book_retrieve",
    )
    def get(self, request: Request, code: str, fmt: str) -> HttpResponseBase:
        from motcua.dossiers.slips.book import book_pdf, xlsx_file

        if fmt not in ("pdf", "xlsx"):
            raise NotFound(_("The book comes as .pdf or .xlsx."))
        agency = Agency.objects.select_related("unit", "parent").filter(code=code).first()
        if agency is None or not agency.receives_dossiers:
            raise NotFound(_("No one-stop unit with this code keeps a dossier tracking book."))
        policy.require_book(request.user, agency)
        now = timezone.now()
        f = books.parse_filter(agency, request.query_params, local(now).date())
        name = f"so-theo-doi-{agency.code}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.{fmt}"
        if fmt == "pdf":
            response = HttpResponse(book_pdf(f, now), content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{name}"'
            return response
        return FileResponse(xlsx_file(f, now), as_attachment=True, filename=name,
                            content_type=BOOK_XLSX)


class Tracking(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses={200: TrackingSerializer,
                   429: problem_response(gettext_lazy(
                       "Too many lookups from the caller's address: wait for the seconds in "
                       "Retry-After."))},
        summary="Public status of a dossier by code",
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = (
            Dossier.objects.select_related("procedure")
            .only("code", "status", "applicant_name", "submitted_at", "received_at", "due_at",
                  "appointment_at", "finished_at", "returned_at", "procedure__code",
                  "procedure__name")
            .filter(code=code).first()
        )
        if dossier is None:
            raise NotFound(_("No dossier with this code."))
        return Response(TrackingSerializer(tracking_payload(dossier)).data)



# Public tracking is the hottest read: a plain Django view and one SQL statement, no DRF and no
# ORM (their overhead was 3/4 of the lookup's CPU, docs/benchmarks.md). Same JSON as Tracking,
# which stays for the OpenAPI schema (the schema and the URL name "tracking" may point at it).
_TRACKING_SQL = (
    "SELECT d.code, d.status, d.applicant_name, d.submitted_at, d.received_at, d.due_at, "
    "d.appointment_at, d.finished_at, d.returned_at, p.code, p.name "
    "FROM dossiers_dossier d JOIN catalog_procedure p ON p.id = d.procedure_id WHERE d.code = %s"
)


def _problem_json(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(problem(status, _title(status), detail, code), status=status,
                        content_type=PROBLEM_CONTENT_TYPE,
                        json_dumps_params={"ensure_ascii": False})


def tracking_fast(request: HttpRequest, code: str) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):  # a problem like every API answer's, not a page
        response = _problem_json(405, str(MethodNotAllowed(request.method or "").detail),
                                 "method_not_allowed")
        response["Allow"] = "GET, HEAD"
        return response
    if (wait := public_lookup_refused(request)) is not None:
        # the same message as the tracking page's (portal/tracking.html)
        detail = ngettext("Too many lookups from your address; try again in %(seconds)s "
                          "second.", "Too many lookups from your address; try again in "
                          "%(seconds)s seconds.", wait) % {"seconds": wait}
        response = _problem_json(429, detail, "rate_limited")
        response["Retry-After"] = str(wait)
        return response
    with connection.cursor() as cursor:
        cursor.execute(_TRACKING_SQL, [code])
        row = cursor.fetchone()
    if row is None:
        return _problem_json(404, _("No dossier with this code."), "not_found")
    fields = ("code", "status", "applicant_name", "submitted_at", "received_at", "due_at",
              "appointment_at", "finished_at", "returned_at")
    found = SimpleNamespace(**dict(zip(fields, row, strict=False)),
                            procedure=SimpleNamespace(code=row[9], name=row[10]))
    # `found` stands in for a Dossier: it has every field tracking_payload reads
    payload = {k: iso_local(v) if k.endswith("_at") else v
               for k, v in tracking_payload(found).items()}  # type: ignore[arg-type]  # see above
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
