"""The citizen portal's forms: the catalogue search, the tracking lookup, and what the
applicant does on their dossier (supplement, withdrawal, rating) and with petitions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Level, Sector
from motcua.org.models import Agency
from motcua.petitions.actions import MAX_TEXT
from motcua.petitions.models import Topic
from motcua.web.forms import DesignSystemForm, DesignSystemRadios

MAX_CODE_LENGTH = 48


class ProcedureSearchForm(DesignSystemForm):
    """GET filters of the catalogue (catalog.selectors.procedure_list does the search)."""

    q = forms.CharField(
        label=_("Procedure name or code"), required=False, max_length=200,
        help_text=_("With or without diacritics, for example “dang ky khai sinh”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )
    sector = forms.TypedChoiceField(label=_("Sector"), required=False, coerce=int,
                                    empty_value=None)
    agency = forms.ChoiceField(label=_("Handled by"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False,
        choices=[("", _("All levels")), (Level.COMMUNE, _("Commune")),
                 (Level.PROVINCE, _("Province"))],
    )

    def __init__(self, data: Any, *, sectors: list[Sector], agency_kinds: list[str]) -> None:
        super().__init__(data)
        sector = cast(forms.TypedChoiceField, self.fields["sector"])
        sector.choices = [("", _("All sectors")), *((s.pk, s.name) for s in sectors)]
        labels = dict(Agency.Kind.choices)
        agency = cast(forms.ChoiceField, self.fields["agency"])
        agency.choices = [("", _("All agencies")),
                          *((kind, labels.get(kind, kind)) for kind in agency_kinds)]

    def filters(self) -> dict[str, Any]:
        """The valid filters, as catalog.selectors.procedure_list takes them: a field with an
        error (a tampered address) filters nothing and shows its error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "sector": data.get("sector"),
            "level": data.get("level") or "",
            "agency_kind": data.get("agency") or "",
        }


class TrackingForm(DesignSystemForm):
    code = forms.CharField(
        label=_("Dossier code"), max_length=MAX_CODE_LENGTH,
        help_text=_("It is on your receipt (Form 01), for example 000.00.14.H56-260212-0007."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "class": "govuk-input--width-30"}),
        error_messages={"required": _("Enter the dossier code.")},
    )


# --- the applicant's dossier: supplement, withdrawal, rating, petitions -------------------

TEXT_ATTRS = {"rows": 4, "maxlength": MAX_TEXT}


class SupplementFileForm(DesignSystemForm):
    """One file answering a supplement request: the component it belongs to (or another
    document), checked as the API checks uploads (dossiers.uploads, by the action)."""

    component = forms.TypedChoiceField(label=_("Which document is it?"), coerce=int,
                                       empty_value=None, required=False)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG, PNG, DOCX or XLSX, up to 10 MB."),
        error_messages={"required": _("Choose the file to upload."),
                        "empty": _("The file is empty.")})

    def __init__(self, *args: Any, components: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["component"])
        field.choices = [*components, ("", _("Another document"))]


class SupplementSendForm(DesignSystemForm):
    note = forms.CharField(
        label=_("Message to the agency (optional)"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=TEXT_ATTRS))


class WithdrawForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"), max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=TEXT_ATTRS),
        error_messages={"required": _("Say why you withdraw the dossier.")})


SATISFIED_CHOICES = [("yes", _("Satisfied")), ("no", _("Dissatisfied"))]


class RatingForm(DesignSystemForm):
    satisfied = forms.ChoiceField(
        label=_("Are you satisfied with how your dossier was handled?"),
        choices=SATISFIED_CHOICES, widget=DesignSystemRadios,
        error_messages={"required": _("Choose satisfied or dissatisfied.")})
    reason = forms.CharField(
        label=_("Why?"), required=False, max_length=MAX_TEXT,
        help_text=_("Required when you are dissatisfied."),
        widget=forms.Textarea(attrs=TEXT_ATTRS))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfied") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you are dissatisfied."))
        return data


class PetitionForm(DesignSystemForm):
    topic = forms.ChoiceField(
        label=_("What is it about?"), choices=Topic.choices, widget=DesignSystemRadios,
        error_messages={"required": _("Choose what the petition is about.")})
    text = forms.CharField(
        label=_("Your petition"), max_length=MAX_TEXT, widget=forms.Textarea(attrs=TEXT_ATTRS),
        help_text=_("The competent agency answers within 15 working days."),
        error_messages={"required": _("Write your petition.")})


class ProcedurePetitionForm(PetitionForm):
    """A petition about a procedure: to one of the agencies competent for it."""

    agency = forms.ChoiceField(label=_("The agency it is for"),
                               error_messages={"required": _("Choose the agency.")})

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["agency"])
        field.choices = [("", _("Choose an agency")), *agencies] if len(agencies) > 1 \
            else agencies
        self.order_fields(["agency", "topic", "text"])


class InformationForm(DesignSystemForm):
    text = forms.CharField(
        label=_("The information asked for"), max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=TEXT_ATTRS),
        error_messages={"required": _("Write the information asked for.")})


class AnswerRatingForm(DesignSystemForm):
    satisfied = forms.ChoiceField(
        label=_("Did the answer satisfy you?"), choices=SATISFIED_CHOICES,
        widget=DesignSystemRadios,
        error_messages={"required": _("Choose satisfied or dissatisfied.")})
