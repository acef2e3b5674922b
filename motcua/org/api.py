"""REST endpoints of the org domain: staff sign-in, the current user, units and agencies."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate, logout, user_logged_in, user_logged_out
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import NotFound
from motcua.core.schema import problem_response
from motcua.org.lockout import lockout_message, lockout_seconds
from motcua.org.models import AdministrativeUnit, Agency, AgencyCodeChange, User
from motcua.org.selectors import search_agencies, search_units
from motcua.org.serializers import (
    AgencyDetailSerializer,
    AgencyQuery,
    AgencySerializer,
    LoginSerializer,
    TokenResponseSerializer,
    UnitQuery,
    UnitSerializer,
    UserSerializer,
    user_payload,
)


class AccountLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"

    def __init__(self, wait: int) -> None:
        super().__init__(lockout_message(wait), "account_locked")
        self.wait = wait  # DRF turns it into Retry-After


class TokenLoginView(APIView):
    """Exchange a username and password for an API token. django-axes counts failures."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenResponseSerializer,
            401: problem_response(gettext_lazy("Invalid username or password.")),
            429: problem_response(gettext_lazy(
                "Too many failed sign-ins: wait for the seconds in Retry-After.")),
        },
        summary="Sign in: get an API token",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        http_request = request._request  # axes marks the Django request, not DRF's wrapper
        try:
            return self._sign_in(request, http_request)
        finally:
            # django-axes creates a session to hash into its access log; an API token client
            # has no use for it: no session row is kept and no cookie is sent.
            if hasattr(http_request, "session"):
                http_request.session.flush()

    def _sign_in(self, request: Request, http_request: HttpRequest) -> Response:
        form = LoginSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        user = authenticate(request=http_request, username=username,
                            password=form.validated_data["password"])
        if getattr(http_request, "axes_locked_out", False):
            # Answer here in problem+json; stop AxesMiddleware from replacing the response.
            setattr(http_request, "axes_locked_out", False)  # noqa: B010
            raise AccountLocked(lockout_seconds(http_request, {"username": username}))
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("Invalid username or password."), code="invalid_credentials"
            )
        token, _created = Token.objects.get_or_create(user=user)
        # Updates last_login and lets axes reset the failure count (AXES_RESET_ON_SUCCESS).
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response({"token": token.key, "user": user_payload(user)})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None},
                   summary="Sign out: delete the API token", tags=["auth"])
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)
        Token.objects.filter(user=user).delete()
        if request.auth is None:  # signed in with a session
            logout(request._request)
        else:
            user_logged_out.send(sender=user.__class__, request=request._request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer,
                   summary="The signed-in user and their roles", tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(user_payload(cast(User, request.user)))


class UnitListView(ListAPIView):
    """Provinces and communes (GSO codes, after the July 2025 reorganization)."""

    permission_classes = [AllowAny]
    serializer_class = UnitSerializer

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        query = UnitQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return search_units(**query.validated_data)

    @extend_schema(parameters=[UnitQuery], summary="List administrative units", tags=["org"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AgencyListView(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = AgencySerializer

    def get_queryset(self) -> QuerySet[Agency]:
        query = AgencyQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return search_agencies(**query.validated_data)

    @extend_schema(parameters=[AgencyQuery], summary="List agencies", tags=["org"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AgencyDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=AgencyDetailSerializer,
        summary="One agency by its current or a former identifier code",
        tags=["org"],
    )
    def get(self, request: Request, code: str) -> Response:
        agencies = Agency.objects.select_related("unit", "parent").prefetch_related(
            Prefetch("code_history", queryset=AgencyCodeChange.objects.order_by("changed_at"))
        )
        try:
            agency = agencies.by_code(code)
        except Agency.DoesNotExist as exc:
            raise NotFound(
                _("No agency has this identifier code."), code="agency_not_found"
            ) from exc
        serializer = AgencyDetailSerializer(agency, context={"requested_code": code})
        return Response(serializer.data)
