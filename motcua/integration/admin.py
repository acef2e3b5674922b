"""The exchange log in the admin: read-only (no add, change or delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.integration.models import DossierIdentity, EIdAccount, ExchangeLogEntry


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
