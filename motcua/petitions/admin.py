"""Ratings and petitions in the administration pages: read-only (the actions own them; the
agencies answer petitions in the staff workspace), searchable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import HumanTextAdmin
from motcua.petitions.models import Petition, Rating


class ReadOnly(HumanTextAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Petition)
class PetitionAdmin(ReadOnly):
    list_display = ["id", "received_at", "agency", "procedure", "dossier", "topic", "status",
                    "deadline", "handled_at", "rating", "repeated"]
    list_filter = ["status", "topic", "rating", "repeated"]
    search_fields = ["dossier__code", "procedure__code", "agency__code", "text"]
    list_select_related = ["agency", "procedure", "dossier"]


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ["id", "rated_at", "dossier", "disliked", "by"]
    list_filter = ["disliked"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "by"]
