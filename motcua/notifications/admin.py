"""Deliveries in the administration pages: read-only (the worker owns them), searchable, and
"retry now" for the failed ones once their cause is fixed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.core.admin import HumanTextAdmin
from motcua.notifications.models import Delivery


class HasErrorFilter(admin.SimpleListFilter):
    title = _("last error")
    parameter_name = "error"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("with an error")), ("no", _("without an error"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Delivery]
                 ) -> QuerySet[Delivery] | None:
        if self.value() == "yes":
            return queryset.exclude(last_error="")
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(HumanTextAdmin):
    list_display = ["id", "created_at", "channel", "kind", "recipient", "dossier_code", "status",
                    "attempts", "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["status", "channel", "kind", "attempts", HasErrorFilter]
    search_fields = ["recipient", "dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["retry_now"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.display(description=_("dossier"), ordering="dossier__code")
    def dossier_code(self, d: Delivery) -> str:
        return d.dossier.code if d.dossier else ""

    @admin.display(description=_("last error"))
    def short_error(self, d: Delivery) -> str:
        return d.last_error[:80]

    @admin.action(description=_("Retry the selected failed deliveries now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        """A fresh round of attempts, due at once; rows that are not failed are left alone."""
        retried = queryset.filter(status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
            lease_until=None, claimed_by="")
        self.message_user(request, ngettext(
            "%(count)d delivery will be retried.", "%(count)d deliveries will be retried.",
            retried) % {"count": retried}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request)
