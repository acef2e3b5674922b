"""Admin for processes. A process version is history: it is never edited in place. "Add" publishes
a new version (from YAML/JSON text or a BPMN 2.0 file) through `publish_process`, which validates
it against the statutory duration and keeps running dossiers on the version they started with."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.admin import HumanTextAdmin
from motcua.core.errors import InvalidInput
from motcua.core.forms import HumanTextModelForm
from motcua.processing.models import Process, Source, StepAgency
from motcua.processing.publishing import publish_process

MAX_BPMN_BYTES = 2 * 1024 * 1024


class NewVersionForm(HumanTextModelForm):
    text = forms.CharField(
        label=_("definition (YAML or JSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family:monospace"}),
        help_text=_("The format of motcua/processing/definition.py; leave empty to import a "
                    "BPMN file instead."),
    )
    bpmn = forms.FileField(label=_("BPMN 2.0 file"), required=False)
    starts = forms.DateField(label=_("in force from"), required=False,
                             help_text=_("default: the definition's effective_from, else today"))

    class Meta:
        model = Process
        fields = ["procedure"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.published: Process | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        procedure: Procedure | None = data.get("procedure")
        text, upload = data.get("text") or "", data.get("bpmn")
        if procedure is None:
            return data
        if bool(text.strip()) == bool(upload):
            raise ValidationError(_("Give either the definition text or a BPMN file."))
        source = Source.ADMIN
        try:
            if upload:
                from motcua.processing.bpmn import bpmn_to_definition

                if upload.size > MAX_BPMN_BYTES:
                    raise ValidationError(_("The BPMN file is larger than 2 MB."))
                raw = bpmn_to_definition(upload.read(), procedure=procedure.code or "")
                source = Source.BPMN
            else:
                raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValidationError(_("The text is not valid YAML or JSON: %(error)s")
                                  % {"error": exc}) from exc
        except ValueError as exc:  # BpmnError is a DefinitionError, a ValueError
            problems = getattr(exc, "problems", None) or [str(exc)]
            raise ValidationError([str(p) for p in problems]) from exc
        if not isinstance(raw, dict):
            raise ValidationError(_("The definition must be a mapping."))
        try:
            self.published = publish_process(
                procedure, raw, source=source, effective_from=data.get("starts"),
                actor=self.user,
            )
        except InvalidInput as exc:
            raise ValidationError(list(exc.extra.get("problems") or [exc.detail])) from exc
        return data


@admin.register(Process)
class ProcessAdmin(HumanTextAdmin):
    list_display = ["procedure", "agency_kind", "number", "name", "effective_from",
                    "effective_to", "source", "created_at"]
    list_filter = ["source", "agency_kind"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure"]
    readonly_fields = ["procedure", "agency_kind", "number", "name", "effective_from",
                       "effective_to", "source", "created_at", "created_by", "definition_yaml"]
    exclude = ["definition"]
    raw_id_fields = ["procedure"]

    @admin.display(description=_("definition"))
    def definition_yaml(self, obj: Process) -> str:
        text = yaml.safe_dump(obj.definition, allow_unicode=True, sort_keys=False)
        return format_html("<pre>{}</pre>", text)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        if obj is None:
            form = NewVersionForm

            class WithUser(form):  # type: ignore[valid-type,misc]  # a class made at run time
                def __init__(self, *args: Any, **kw: Any) -> None:
                    super().__init__(*args, user=request.user, **kw)

            return WithUser
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.exclude if obj is not None else None

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["procedure", "text", "bpmn", "starts"]
        return self.readonly_fields

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        if not change:
            return form.published  # published (or unchanged) by the form's validation
        return super().save_form(request, form, change)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool
                     ) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StepAgency)
class StepAgencyAdmin(HumanTextAdmin):
    list_display = ["step_key", "procedure", "agency"]
    search_fields = ["step_key", "procedure__code", "agency__code", "agency__name"]
    list_select_related = ["procedure", "agency"]
    raw_id_fields = ["procedure", "agency"]
