"""The records app in the administration pages: which communes certify electronic copies from
originals, and their fee (records.certified); the certified copies, read-only (the book)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import HumanTextAdmin
from motcua.records.models import CertificationService, CertifiedCopy


@admin.register(CertificationService)
class CertificationServiceAdmin(HumanTextAdmin):
    list_display = ("unit", "offered", "fee_vnd", "updated_at")
    list_filter = ("offered",)
    search_fields = ("unit__name", "unit__code")
    autocomplete_fields = ("unit",)


@admin.register(CertifiedCopy)
class CertifiedCopyAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "unit", "issued_at", "state", "fee_vnd")
    list_filter = ("state", "unit")
    search_fields = ("number", "owner_key", "title")
    date_hierarchy = "issued_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
