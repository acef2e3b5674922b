"""The signed-in user's in-app notifications: list, mark one or all read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import NotFound
from motcua.notifications.models import Notification
from motcua.notifications.serializers import NotificationSerializer, ReadAllSerializer
from motcua.org.authentication import signed_in
from motcua.org.models import User


def _me(request: Request) -> User:
    return signed_in(request)


class Notifications(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        qs = Notification.objects.filter(user=_me(self.request)).select_related("dossier")
        if self.request.query_params.get("unread") in ("1", "true", "yes"):
            qs = qs.filter(read_at__isnull=True)
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("unread", bool)],
                   summary="The signed-in user's in-app notifications, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationSerializer,
                   summary="Mark one notification read")
    def post(self, request: Request, notification_id: int) -> Response:
        n = Notification.objects.filter(user=_me(request), pk=notification_id).first()
        if n is None:
            raise NotFound(_("No such notification."))
        if n.read_at is None:
            n.read_at = timezone.now()
            n.save(update_fields=["read_at"])
        return Response(NotificationSerializer(n).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses=ReadAllSerializer,
                   summary="Mark every notification of the signed-in user read")
    def post(self, request: Request) -> Response:
        marked = Notification.objects.filter(user=_me(request), read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return Response({"marked": marked})
