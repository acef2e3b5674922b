"""The integration app in the administration pages.

Messages to national systems: read-only (the worker owns them), filtered to what is stuck (dead
letters, messages retried or waiting long), with "retry now" for the dead letters once their
cause is fixed. The exchange log, e-ID accounts and identity marks: read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.core.admin import HumanTextAdmin
from motcua.integration import outbox
from motcua.integration.models import (
    DossierIdentity,
    EIdAccount,
    ExchangeLogEntry,
    OutboxMessage,
    PortalSync,
)

STUCK_AFTER = dt.timedelta(minutes=5)


class StuckFilter(admin.SimpleListFilter):
    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("stuck (failed, retried, or waiting over 5 minutes)")),
                ("dead", _("dead letters only"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]
                 ) -> QuerySet[OutboxMessage] | None:
        if self.value() == "dead":
            return queryset.filter(status=OutboxMessage.Status.DEAD)
        if self.value() == "yes":
            old = timezone.now() - STUCK_AFTER
            return queryset.exclude(status=OutboxMessage.Status.DELIVERED).filter(
                Q(status=OutboxMessage.Status.DEAD) | Q(attempts__gt=0) | Q(created_at__lt=old))
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(HumanTextAdmin):
    list_display = ["id", "created_at", "system", "kind", "dossier_code", "status", "attempts",
                    "next_attempt_at", "delivered_at", "short_error"]
    list_filter = [StuckFilter, "status", "system", "kind"]
    search_fields = ["key", "stream", "dossier__code"]
    list_select_related = ["dossier"]
    ordering = ["-id"]
    actions = ["retry_now"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    @admin.display(description=_("dossier"), ordering="dossier__code")
    def dossier_code(self, m: OutboxMessage) -> str:
        return m.dossier.code if m.dossier else ""

    @admin.display(description=_("last error"))
    def short_error(self, m: OutboxMessage) -> str:
        return m.last_error[:80]

    @admin.action(description=_("Retry the selected dead letters now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        retried = outbox.retry_dead(queryset, timezone.now())
        self.message_user(request, ngettext(
            "%(count)d message will be retried.", "%(count)d messages will be retried.",
            retried) % {"count": retried}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalSync)
class PortalSyncAdmin(HumanTextAdmin):
    list_display = ["dossier", "created_at", "synced_at", "status"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    readonly_fields = ["dossier", "created_at", "synced_at", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request)


# The exchange log, e-ID accounts and identity marks: read-only (no add, change or delete).
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExchangeLogEntry)
class ExchangeLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "direction", "system", "operation", "officer", "subject_id_number",
                    "subject_tax_code", "purpose", "outcome")
    list_filter = ("system", "direction", "outcome")
    search_fields = ("=subject_id_number", "=subject_tax_code", "=dossier_code",
                     "=officer__username")
    date_hierarchy = "at"
    actions = None


@admin.register(EIdAccount)
class EIdAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "id_number", "assurance_level", "verified_at")
    search_fields = ("=id_number",)


@admin.register(DossierIdentity)
class DossierIdentityAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "id_number", "population_data_used", "vneid_verified",
                    "manual_entry", "recorded_at")
