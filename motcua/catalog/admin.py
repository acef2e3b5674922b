"""Admin for the catalogue. Versions are history: a rule change should be published as a new
version (actions.publish_version or `load_procedures`), not edited in place; the admin shows
the dates and lets administrators correct data entry of a version."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.catalog import eforms
from motcua.catalog.actions import set_active
from motcua.catalog.models import (
    ComponentRequirement,
    Fee,
    Procedure,
    ProcedureQuerySet,
    ProcedureVersion,
    Sector,
)
from motcua.core.admin import HumanTextAdmin, HumanTextTabularInline
from motcua.core.forms import HumanTextModelForm


@admin.register(Sector)
class SectorAdmin(HumanTextAdmin):
    list_display = ["name"]
    search_fields = ["name"]


VERSION_INLINE_FIELDS = (
    "number", "effective_from", "effective_to", "name", "duration_value", "duration_unit",
    "online_level",
)


class ProcedureVersionInline(HumanTextTabularInline):
    model = ProcedureVersion
    extra = 0
    fields = VERSION_INLINE_FIELDS
    readonly_fields = VERSION_INLINE_FIELDS
    show_change_link = True
    can_delete = False
    ordering = ["number"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(HumanTextAdmin):
    list_display = ["code", "name", "sector", "level", "is_active"]
    list_filter = ["is_active", "level", "sector"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["sector"]
    readonly_fields = ["name_folded"]
    inlines = [ProcedureVersionInline]
    actions = ["activate", "deactivate"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Procedure],
                           search_term: str) -> tuple[QuerySet[Procedure], bool]:
        # the catalogue's own search: diacritic-insensitive whole words or a code prefix
        if search_term.strip():
            return cast(ProcedureQuerySet, queryset).search(search_term), False
        return queryset, False

    @admin.action(description=_("Offer the selected procedures"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=_("Withdraw the selected procedures"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Procedure],
                    active: bool) -> None:
        count = 0
        for procedure in queryset:
            set_active(procedure, active, request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d procedure updated.", "%(count)d procedures updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class ComponentForm(HumanTextModelForm):
    """A component, its e-form checked (catalog.eforms.parse): a bad document is refused with
    every problem named, never stored to fail the citizen's page later."""

    class Meta:
        model = ComponentRequirement
        fields = "__all__"
        widgets = {"eform_schema": forms.Textarea(attrs={"rows": 8, "cols": 60})}
        help_texts = {"eform_schema": _(
            "The online declaration form (e-form) of this component, in JSON: sections of "
            "fields, each with a name, a type (text, textarea, date, number, select, checkbox, "
            "national_id, phone, email, commune) and a Vietnamese label; docs/eforms.md "
            "describes the format. Empty: no e-form, the declaration is uploaded.")}

    def clean_eform_schema(self) -> object:
        schema = self.cleaned_data.get("eform_schema")
        if schema in (None, "", {}, []):
            return None
        try:
            eforms.parse(schema)
        except eforms.SchemaError as exc:
            raise forms.ValidationError(exc.errors) from None
        return schema


class ComponentFormSet(forms.BaseInlineFormSet):
    """The e-forms of one version fill one Dossier.form_data: a field name is used once."""

    def clean(self) -> None:
        super().clean()
        seen: dict[str, int] = {}
        for form in self.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            parsed = eforms.of(form.cleaned_data.get("eform_schema"))
            for field in parsed.fields if parsed else ():
                position = form.cleaned_data.get("position")
                if field.name in seen:
                    raise forms.ValidationError(
                        _("The e-forms of components %(a)s and %(b)s both have a field "
                          "“%(name)s”: the names of a procedure's e-forms must differ.")
                        % {"a": seen[field.name], "b": position, "name": field.name})
                seen[field.name] = position


class ComponentInline(HumanTextTabularInline):
    model = ComponentRequirement
    form = ComponentForm
    formset = ComponentFormSet
    extra = 0
    fields = ["position", "code", "name", "form", "quantity", "required", "condition",
              "digitization_required", "national_source", "eform_schema"]


class FeeInline(HumanTextTabularInline):
    model = Fee
    extra = 0
    fields = ["position", "name", "amount_vnd", "applies", "note"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(HumanTextAdmin):
    list_display = ["procedure", "number", "effective_from", "effective_to", "duration_value",
                    "duration_unit", "online_level"]
    list_filter = ["online_level", "duration_unit", "level"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure"]
    readonly_fields = ["procedure", "number", "effective_from", "effective_to"]
    inlines = [ComponentInline, FeeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["procedure", "number", "effective_from", "effective_to", "name",
                           "name_en", "level"]}),
        (_("Agencies and applicants"), {"fields": ["implementing_agency", "competent_agency",
                                                   "handling_agency_kind", "applicant_types"]}),
        (_("Steps and method"), {"fields": ["steps", "method"]}),
        (_("Duration and clock"), {"fields": ["duration_value", "duration_unit", "duration_text",
                                              "online_duration_value", "cutoff",
                                              "supplement_mode", "pause_on_payment",
                                              "max_apologies"]}),
        (_("Result and legal basis"), {"fields": ["results", "result_valid_months",
                                                   "legal_basis", "online_level"]}),
        (_("Publication"), {"fields": ["decision_number", "decision_date",
                                       "legal_effective_date", "made_public_at", "source_url"]}),
        (_("Data quality"), {"fields": ["unconfirmed", "confirmed", "retrieved_via", "notes"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new versions are published (actions.publish_version / load_procedures)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # dossiers refer to versions; history is kept
