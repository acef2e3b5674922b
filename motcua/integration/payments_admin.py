"""Online payments and the payment platform's callbacks in the administration pages, read-only:
only the platform's authenticated callbacks change a payment, and the callback log is never
edited (registered by the app's AppConfig.ready). A payment to refund (paid twice) shows with the
status filter "Paid twice: to be refunded"."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import HumanTextAdmin
from motcua.integration.models import Payment, PaymentCallback


class ReadOnly(HumanTextAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["reference", "started_at", "dossier", "amount_vnd", "status",
                    "succeeded_at", "transaction_no", "duplicate_of"]
    list_filter = ["status", "online"]
    search_fields = ["reference", "dossier__code", "transaction_no"]
    list_select_related = ["dossier"]
    date_hierarchy = "started_at"


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnly):
    list_display = ["received_at", "verdict", "via", "reason", "reference", "message_id",
                    "remote_addr"]
    list_filter = ["verdict", "via"]
    search_fields = ["reference", "message_id"]
    date_hierarchy = "received_at"
