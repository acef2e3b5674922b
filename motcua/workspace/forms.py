"""The workspace's forms: the worklists' filters, and one form per action, built from the
inputs the action declares (dossiers.lifecycle.ACTIONS; a step action's from the dossier action
it performs, processing.permissions.step_inputs).

An action form only collects what was typed: its fields carry the API's body names, and
`api_data` hands them to the API's own parser (dossiers.serializers.parse_action_inputs,
processing.serializers.parse_step_inputs). The errors of that parser and of the action are put
back next to their fields (`take_error`), with what was typed kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from motcua.core.errors import DomainError
from motcua.dossiers.lifecycle import Input
from motcua.dossiers.models import Status
from motcua.dossiers.serializers import API_INPUT_NAMES
from motcua.processing.selectors import SORTS, UNIT_VIEWS, VIEWS
from motcua.web.forms import DesignSystemForm

MAX_CODE_LENGTH = 48

# The statuses a dossier with an open step can be in.
STEP_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.INTEROPERATING, Status.SUPPLEMENT,
                 Status.PAYING, Status.RESULT_READY)
SORT_LABELS = {
    "due_at": _("Due time, soonest first"),
    "-due_at": _("Due time, latest first"),
    "started_at": _("Started, oldest first"),
    "-started_at": _("Started, newest first"),
}
assert set(SORT_LABELS) == set(SORTS)


class WorklistForm(DesignSystemForm):
    """GET filters of a worklist (processing.selectors.worklist / unit_worklist)."""

    view = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Dossier code"), required=False, max_length=MAX_CODE_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    status = forms.TypedChoiceField(label=_("Dossier status"), required=False, coerce=int,
                                    empty_value=None)
    sort = forms.ChoiceField(label=_("Sort by"), required=False,
                             choices=list(SORT_LABELS.items()))

    def __init__(self, data: Any, *, views: Iterable[str], default_view: str,
                 procedures: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.default_view = default_view
        cast(forms.ChoiceField, self.fields["view"]).choices = [(v, v) for v in views]
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [
            ("", _("All procedures")), *procedures]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All statuses")), *((int(s), str(s.label)) for s in STEP_STATUSES)]

    def filters(self) -> dict[str, Any]:
        """The valid filters as the selectors take them: a field with an error (a tampered
        address) filters nothing and shows its error."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        status = data.get("status")
        return {
            "view": data.get("view") or self.default_view,
            "procedure": data.get("procedure") or None,
            "statuses": [status] if status is not None else None,
            "code": (data.get("q") or "").strip() or None,
            "sort": data.get("sort") or "due_at",
        }


def worklist_form(data: Any, procedures: list[tuple[str, str]]) -> WorklistForm:
    return WorklistForm(data, views=VIEWS, default_view="mine", procedures=procedures)


def unit_form(data: Any, procedures: list[tuple[str, str]]) -> WorklistForm:
    return WorklistForm(data, views=UNIT_VIEWS, default_view="all", procedures=procedures)


# --- action forms --------------------------------------------------------------------------

Choices = list[tuple[Any, str]]


class ActionChoices:
    """Where the choices of an action's fields come from, read only when a form needs them."""

    def __init__(self, *, agencies: Callable[[], Choices] = list,
                 duration_cases: Callable[[], Choices] = list,
                 components: Callable[[], Choices] = list,
                 request_kinds: Callable[[], Choices] = list,
                 assignees: Callable[[], Choices] = list) -> None:
        self.agencies, self.duration_cases = agencies, duration_cases
        self.components, self.request_kinds, self.assignees = components, request_kinds, assignees


def _text(label: Any, *, rows: int = 0, required: bool, missing: Any = None,
          max_length: int = 4000, hint: Any = None, attrs: dict[str, str] | None = None
          ) -> forms.CharField:
    attrs = attrs or {}
    widget: forms.Widget = (forms.Textarea(attrs={"rows": str(rows), **attrs}) if rows
                            else forms.TextInput(attrs=attrs))
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=widget, help_text=hint,
                           error_messages={"required": missing} if missing else {})


def _moment(label: Any, *, required: bool, missing: Any) -> forms.CharField:
    # a browser's date-time picker; typed as "2026-11-20 10:00" without one
    return _text(label, required=required, missing=missing, max_length=40,
                 hint=_("Date and time, for example 2026-11-20 10:00."),
                 attrs={"type": "datetime-local", "class": "govuk-input--width-20"})


def _choice(label: Any, choices: Choices, *, required: bool, missing: Any,
            blank: Any = None) -> forms.ChoiceField:
    options = [("", blank), *choices] if blank is not None else choices
    return forms.ChoiceField(label=label, required=required, choices=options,
                             error_messages={"required": missing})


def input_field(name: str, required: bool, choices: ActionChoices) -> forms.Field:
    """The form field of an action's input `name` (lifecycle.Input)."""
    if name == "reason":
        return _text(_("Reason"), rows=3, required=required, missing=_("Enter the reason."))
    if name == "note":
        return _text(_("Note"), rows=2, required=required, missing=_("Enter a note."))
    if name == "items":
        return _text(_("Documents missing or to correct"), rows=4, required=required,
                     missing=_("List every document missing or to correct."),
                     hint=_("One a line, all of them: the law allows one request."))
    if name == "amount_vnd":
        return _text(_("Amount (VND)"), required=required, max_length=20,
                     missing=_("Enter the amount in VND."), hint=_("For example 50.000."),
                     attrs={"inputmode": "numeric", "class": "govuk-input--width-10"})
    if name == "reference":
        return _text(_("Payment reference"), required=required, max_length=100,
                     missing=_("Enter the payment reference."))
    if name in ("new_appointment", "step_due_at"):
        label = (_("New appointment for the result") if name == "new_appointment"
                 else _("Due time of the other agency's part"))
        return _moment(label, required=required, missing=_("Enter the date and time."))
    if name == "to_agency":
        return _choice(_("Agency"), choices.agencies(), required=required,
                       missing=_("Choose the agency."), blank=_("Choose an agency"))
    if name == "duration_case":
        return _choice(_("Legal duration"), choices.duration_cases(), required=required,
                       missing=_("Choose the legal duration."),
                       blank=_("As the dossier's data selects"))
    if name == "duration_reason":
        return _text(_("Reason for this duration"), rows=2, required=required,
                     missing=_("Enter the reason for this duration."))
    if name == "kind":
        return _choice(_("Request"), choices.request_kinds(), required=required,
                       missing=_("Choose the request."))
    if name == "upload":
        return forms.FileField(label=_("File"), required=required,
                               help_text=_("PDF, JPEG, PNG, DOCX or XLSX."),
                               error_messages={"required": _("Choose a file.")})
    if name == "component_id":
        return _choice(_("Component"), choices.components(), required=required,
                       missing=_("Choose the component."), blank=_("Another document"))
    if name == "username":
        return _choice(_("Officer"), choices.assignees(), required=required,
                       missing=_("Choose the officer."), blank=_("Choose an officer"))
    raise ValueError(f"no form field for the input {name!r}")


ASSIGNEE = Input("username", required=True)

# The field an action's error speaks of, by its code, where the code is not the field's name.
ERROR_FIELDS = {
    "amount": "amount_vnd", "to_agency": "to_agency_code", "to_agency_code": "to_agency_code",
    "unknown_duration_case": "duration_case", "second_supplement_reason": "reason",
    "upload_rejected": "file", "component": "component_id", "assignee": "username",
}


class ActionForm(DesignSystemForm):
    """One action's form. `once`: the one-time key against a double submit
    (core.idempotency.run_first); `confirm`: asked before an action that cannot be undone."""

    once = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, files: Any = None, *, inputs: Iterable[Input],
                 prefix: str, confirm: bool = False,
                 choices: ActionChoices | None = None) -> None:
        super().__init__(data, files, prefix=prefix, initial={"once": uuid.uuid4().hex})
        choices = choices or ActionChoices()
        for item in inputs:
            name = API_INPUT_NAMES.get(item.name, item.name)
            self.fields[name] = input_field(item.name, item.required, choices)
        if confirm:
            self.fields["confirm"] = forms.BooleanField(
                label=_("I confirm: this cannot be undone."), required=True,
                error_messages={"required": _("Tick the box to confirm.")})

    @property
    def has_inputs(self) -> bool:
        return any(name not in ("once", "confirm") for name in self.fields)

    @property
    def confirm(self) -> forms.BoundField | None:
        return self["confirm"] if "confirm" in self.fields else None

    @property
    def input_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ("once", "confirm")]

    @property
    def key(self) -> str:
        return str(self.cleaned_data.get("once") or "")

    def api_data(self) -> dict[str, Any]:
        """What was typed, as the API's body: blank fields left out, the documents listed one
        a line, an amount typed with thousands separators read as digits."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in ("once", "confirm") or value in ("", None):
                continue
            if name == "items":
                value = [{"name": line.strip()} for line in value.splitlines() if line.strip()]
            elif name == "amount_vnd":
                value = value.replace(".", "").replace(",", "").replace(" ", "")
            data[name] = value
        return data

    def take_error(self, error: DomainError | ValidationError) -> None:
        """Put the parser's or the action's error next to its field (else above the form)."""
        if isinstance(error, ValidationError):
            detail: Any = error.detail
            details: dict[Any, Any] = detail if isinstance(detail, dict) else {None: detail}
            for name, detail in details.items():
                field = ERROR_FIELDS.get(str(name), name)
                self.add_error(field if field in self.fields else None,
                               "; ".join(_messages(detail)))
            return
        field = error.extra.get("field") or ERROR_FIELDS.get(error.code, error.code)
        self.add_error(field if field in self.fields else None, error.detail)


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]
