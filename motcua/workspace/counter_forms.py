"""The counter reception's forms: the two searches (an earlier applicant, the procedure) and the
intake form of one procedure, whose rows are the procedure's components.

The intake form checks what a page can check before the action runs (identifiers with the
domain's own validators, a count per component, what each decision needs); the action
(`dossiers.actions.intake_at_counter`) checks the rest, and its errors come back next to the
fields they are about (`FIELD_OF_ERROR`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import eforms
from motcua.catalog.models import CompetenceBasis, ComponentRequirement, ProcedureVersion
from motcua.core.forms import HumanTextFormMixin
from motcua.dossiers import actions, returns
from motcua.dossiers.models import (
    ApplicantKind,
    ComponentSource,
    Dossier,
    PaperForm,
    Representation,
    ReturnMethod,
)
from motcua.dossiers.routing import place_field, place_form_data
from motcua.integration import national_documents, population
from motcua.org import identifiers
from motcua.org.models import AdministrativeUnit, Agency
from motcua.web.eform_fields import EFormField
from motcua.web.forms import DesignSystemForm
from motcua.web.templatetags.web import duration

DECISIONS = ("receive", "supplement", "refuse")
SEARCH_ATTRS = {"type": "search", "autocomplete": "off", "spellcheck": "false"}


class ApplicantSearchForm(DesignSystemForm):
    applicant_q = forms.CharField(
        label=gettext_lazy("Applicant's ID number, tax code or name"), required=False,
        max_length=255,
        help_text=gettext_lazy("Finds the applicant of an earlier dossier received at your "
                               "unit: the whole ID number or tax code, or a part of the name "
                               "as written."),
        widget=forms.TextInput(attrs={**SEARCH_ATTRS, "class": "govuk-input--width-20"}))


class ProcedureSearchForm(DesignSystemForm):
    procedure_q = forms.CharField(
        label=gettext_lazy("Procedure"), required=False, max_length=200,
        help_text=gettext_lazy("Its code or words of its name, with or without diacritics, "
                               "for example “xac nhan hon nhan”."),
        widget=forms.TextInput(attrs=SEARCH_ATTRS))


# The commune a competence basis looks at (routing.place_field), as the form asks for it.
PLACE_LABELS: dict[str, Promise] = {
    CompetenceBasis.PROPERTY: gettext_lazy("Commune or ward where the property is"),
    CompetenceBasis.EVENT_PLACE: gettext_lazy("Commune or ward where the event took place"),
    CompetenceBasis.NEW_RESIDENCE: gettext_lazy("Commune or ward of the new residence"),
}


@dataclass(frozen=True)
class ComponentRow:
    """One component of the procedure with its controls in the intake form (`national`: the
    box that takes it from its national database instead, when the catalogue names one)."""

    requirement: ComponentRequirement
    received: BoundField
    paper_form: BoundField
    copies: BoundField
    file: BoundField
    national: BoundField | None = None

    @property
    def needed(self) -> bool:
        """Required with no condition: a dossier is complete only with it."""
        return self.requirement.required and not self.requirement.condition.strip()

    @property
    def errors(self) -> list[str]:
        return [str(e) for f in (self.received, self.paper_form, self.copies, self.file,
                                 self.national) if f is not None for e in f.errors]


def default_paper_form(requirement: ComponentRequirement) -> str:
    """What the catalogue asks for: the original, or a copy ("either": the original)."""
    return PaperForm.COPY if requirement.form == ComponentRequirement.Form.COPY \
        else PaperForm.ORIGINAL


class IntakeForm(HumanTextFormMixin, DesignSystemForm):
    """A dossier of `version` received at the counter of one of `desks` (the officer's
    one-stop units), for an applicant of the province (`communes`), its result returned at one
    of `return_units`, by post or online."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # signed note of the population lookup (workspace.counter_identity), if one was made
    identity_check = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
    receiving_agency = forms.ChoiceField(label=gettext_lazy("Receiving unit"))

    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("The applicant is"), choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON, widget=forms.RadioSelect)
    applicant_name = forms.CharField(
        label=gettext_lazy("Full name or organisation's name"), max_length=255,
        error_messages={"required": gettext_lazy("Enter the applicant's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Personal ID number"), required=False, max_length=12,
        help_text=gettext_lazy("12 digits, on the citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "class": "govuk-input--width-20"}))
    applicant_tax_code = forms.CharField(
        label=gettext_lazy("Tax code"), required=False, max_length=14,
        help_text=gettext_lazy("An organisation's (or a person's own): 10 digits, or 10 digits, "
                               "a dash and 3 digits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}))
    applicant_phone = forms.RegexField(
        label=gettext_lazy("Phone"), required=False, max_length=20, regex=r"^\+?[0-9 .-]{8,20}$",
        error_messages={"invalid": gettext_lazy("Enter a phone number of 8 to 20 digits.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off",
                                      "class": "govuk-input--width-20"}))
    applicant_email = forms.EmailField(
        label=gettext_lazy("Email"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    applicant_address = forms.CharField(
        label=gettext_lazy("Address"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    applicant_commune = forms.ChoiceField(label=gettext_lazy("Commune or ward of residence"),
                                          required=False)
    representative_name = forms.CharField(
        label=gettext_lazy("Representative's name"), required=False, max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    representative_relationship = forms.ChoiceField(
        label=gettext_lazy("Stands for the applicant as"), required=False,
        choices=[("", "—"), *Representation.choices])
    representative_id_number = forms.CharField(
        label=gettext_lazy("Representative's personal ID number"), required=False,
        max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                     "class": "govuk-input--width-20"}))
    place_commune = forms.ChoiceField(required=False)

    extra_missing = forms.CharField(
        label=gettext_lazy("Other documents missing or to be corrected"), required=False,
        max_length=4000, help_text=gettext_lazy(
            "One per line. With the components not ticked as received, Form 02 lists them "
            "all."), widget=forms.Textarea(attrs={"rows": 3}))
    return_method = forms.ChoiceField(
        label=gettext_lazy("Where the applicant receives the result"),
        choices=ReturnMethod.choices, initial=ReturnMethod.UNIT, widget=forms.RadioSelect)
    return_agency = forms.ChoiceField(
        label=gettext_lazy("One-stop unit"), required=False,
        help_text=gettext_lazy("When the result is collected at a one-stop unit."))
    return_address = forms.CharField(
        label=gettext_lazy("Postal address"), required=False, max_length=500,
        help_text=gettext_lazy("When it is sent by post. Leave it empty to send the result to "
                               "the applicant's address."))
    duration_case = forms.ChoiceField(label=gettext_lazy("Legal duration"), required=False)
    duration_reason = forms.CharField(
        label=gettext_lazy("Why this duration"), required=False, max_length=4000,
        help_text=gettext_lazy("Needed when you choose another duration than the procedure's "
                               "own."))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=4000,
        help_text=gettext_lazy("Required to refuse the dossier (printed on Form 03); optional "
                               "when asking for what is missing (Form 02)."),
        widget=forms.Textarea(attrs={"rows": 3}))

    eform_used = forms.BooleanField(
        label=gettext_lazy("Fill in the declaration here (e-form)"), required=False,
        help_text=gettext_lazy("The answers are kept as the dossier's data and the declaration "
                               "counts as handed in."))

    def __init__(self, *args: Any, version: ProcedureVersion, desks: list[Agency],
                 communes: list[AdministrativeUnit], return_units: list[Agency],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.requirements = list(version.components.all())
        # the components taken from their national database (workspace.counter fills it, by
        # requirement id, once looked up; integration.national_documents)
        self.taken: dict[int, national_documents.Taken] = {}
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
        self.several_desks = len(desks) > 1
        self.has_cases = bool(version.cases())
        desk_choices = [(str(a.pk), a.name) for a in desks]
        self._field("receiving_agency").choices = desk_choices
        self.initial.setdefault("receiving_agency", desk_choices[0][0])
        commune_choices = [("", "—"), *((u.code, u.name) for u in communes)]
        self._field("applicant_commune").choices = commune_choices
        place = self._field("place_commune")
        place.choices = commune_choices
        if version.competence_basis == CompetenceBasis.RESIDENCE:
            self.fields["applicant_commune"].help_text = _(
                "It decides the competent agency of this procedure; without it the dossier "
                "waits in the dispatch queue.")
        self.place_field = place_field(version.competence_basis)
        if self.place_field:
            place.label = str(PLACE_LABELS.get(version.competence_basis,
                                               version.get_competence_basis_display()))
            place.required = True
            place.error_messages["required"] = _("Choose the commune or ward: it decides the "
                                                 "competent agency.")
        self._field("return_agency").choices = [("", _("The receiving unit")),
                                                *((a.code, a.name) for a in return_units)]
        own = duration(version.duration_value, version.duration_unit)
        self._field("duration_case").choices = [
            ("", _("The procedure's own (%(duration)s)") % {"duration": own} if own
             else _("The procedure's own")),
            *((case.key, f"{case.label} ({duration(case.value, case.unit)})")
              for case in version.cases())]
        # the declaration's e-form (catalog.eforms), checked only when the officer fills it in
        self.commune_codes = {u.code for u in communes}
        self.eform_rows = [r for r in self.requirements if eforms.of(r.eform_schema)]
        self.eform_specs = eform_specs(self.requirements)
        self.fields["eform_used"].widget.attrs["data-aria-controls"] = "counter-eform"
        for spec in self.eform_specs:
            self.fields[EFORM_PREFIX + spec.name] = EFormField(
                spec, today=timezone.localdate(), checked=False,
                commune_widget=lambda: forms.Select(choices=commune_choices),
                commune_code=lambda value: str(value or ""),
                commune_exists=self.commune_codes.__contains__)
        for r in self.requirements:
            self.fields[f"received_{r.pk}"] = forms.BooleanField(
                label=_("Handed in"), required=False,
                initial=r.required and not r.condition.strip())
            self.fields[f"paper_form_{r.pk}"] = forms.ChoiceField(
                label=_("Original or copy"), choices=PaperForm.choices,
                initial=default_paper_form(r))
            self.fields[f"copies_{r.pk}"] = forms.IntegerField(
                label=_("Number"), min_value=1, max_value=99, initial=r.quantity or 1,
                error_messages={"required": _("Enter how many."),
                                "invalid": _("Enter a number from 1 to 99."),
                                "min_value": _("Enter a number from 1 to 99."),
                                "max_value": _("Enter a number from 1 to 99.")},
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
            self.fields[f"file_{r.pk}"] = forms.FileField(
                label=_("Scan or file"), required=False,
                widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
            if r.national_source:
                self.fields[f"national_{r.pk}"] = forms.BooleanField(
                    label=_("Take it from the %(database)s instead")
                    % {"database": national_documents.database_name(r.national_source)},
                    required=False)

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    # -- what the template shows --------------------------------------------------------

    @property
    def rows(self) -> list[ComponentRow]:
        return [ComponentRow(r, self[f"received_{r.pk}"], self[f"paper_form_{r.pk}"],
                             self[f"copies_{r.pk}"], self[f"file_{r.pk}"],
                             self[f"national_{r.pk}"] if r.national_source else None)
                for r in self.requirements]

    # -- checks -------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("applicant_kind")
        for name, validator in (("applicant_id_number", identifiers.validate_personal_id),
                                ("applicant_tax_code", identifiers.validate_tax_code),
                                ("representative_id_number", identifiers.validate_personal_id)):
            value = (cleaned.get(name) or "").strip()
            cleaned[name] = value
            if value:
                try:
                    validator(value)
                except identifiers.InvalidIdentifier as exc:
                    self.add_error(name, exc.message)
        if kind == ApplicantKind.PERSON and not cleaned.get("applicant_id_number") \
                and "applicant_id_number" not in self.errors:
            self.add_error("applicant_id_number", _("Enter the personal ID number."))
        if kind == ApplicantKind.ORGANISATION and not cleaned.get("applicant_tax_code") \
                and "applicant_tax_code" not in self.errors:
            self.add_error("applicant_tax_code", _("Enter the organisation's tax code."))
        self.form_data: dict[str, Any] = {}
        if cleaned.get("eform_used") and self.eform_specs:
            typed = {s.name: cleaned.get(EFORM_PREFIX + s.name) for s in self.eform_specs}
            values, problems = eforms.clean(
                eforms.EForm((eforms.Section(tuple(self.eform_specs)),)), typed,
                today=timezone.localdate(), commune_exists=self.commune_codes.__contains__)
            for name, message in problems.items():
                self.add_error(EFORM_PREFIX + name, message)
            self.form_data = values
        return cleaned

    @property
    def eform_fields(self) -> list[BoundField]:
        return [self[EFORM_PREFIX + s.name] for s in self.eform_specs]

    def eform_given(self, row: ComponentRow) -> bool:
        """The declaration filled in here (its e-form) instead of handed in on paper."""
        return bool(self.cleaned_data.get("eform_used")) and row.requirement in self.eform_rows

    def check_decision(self, decision: str) -> None:
        """What the decision needs that the action leaves to the counter: receiving means the
        dossier is complete (every required component handed in); asking for a supplement
        needs something missing; refusing needs a reason."""
        if decision == "receive":
            for row in self.rows:
                if row.needed and not self.given(row):
                    self.add_error(row.received.name, _(
                        "Required: tick it once handed in, or ask for what is missing "
                        "(Form 02)."))
        elif decision == "supplement" and not self.missing_items():
            self.add_error("extra_missing", _(
                "Nothing is missing: untick the components not handed in, or list what is "
                "missing or to be corrected."))
        elif decision == "refuse" and not (self.cleaned_data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for refusing the dossier."))
        if decision != "receive" and (self.cleaned_data.get("duration_case")
                                      or self.cleaned_data.get("duration_reason")):
            self.add_error("duration_case", _("A duration is chosen only when the dossier is "
                                              "received."))

    # -- what the action takes ----------------------------------------------------------

    def national_rows(self) -> list[ComponentRow]:
        """The components to take from their national database (ticked so)."""
        return [row for row in self.rows
                if row.national is not None and self.cleaned_data.get(row.national.name)]

    def given(self, row: ComponentRow) -> bool:
        return bool(self.cleaned_data.get(row.received.name)
                    or (row.national is not None and self.cleaned_data.get(row.national.name))
                    or self.eform_given(row))

    def received_rows(self) -> list[ComponentRow]:
        """The components handed in on paper (not those taken from a national database, nor
        the declaration filled in here)."""
        return [row for row in self.rows if self.cleaned_data.get(row.received.name)
                and not (row.national is not None and self.cleaned_data.get(row.national.name))
                and not self.eform_given(row)]

    def missing_items(self) -> list[dict[str, str]]:
        """Everything missing, for Form 02: the required components not handed in (nor taken
        from a national database), then the other lines the officer wrote."""
        items = [{"name": row.requirement.name, "note": ""} for row in self.rows
                 if row.needed and not self.given(row)]
        lines = (self.cleaned_data.get("extra_missing") or "").splitlines()
        items += [{"name": line.strip(), "note": ""} for line in lines if line.strip()]
        return items

    def scans(self) -> dict[int, UploadedFile]:
        """The scans of the components received, by requirement id."""
        return {row.requirement.pk: f for row in self.received_rows()
                if (f := self.cleaned_data.get(row.file.name))}

    def submission(self, desks: dict[int, Agency]) -> actions.Submission:
        data = self.cleaned_data
        applicant = actions.Applicant(
            kind=data["applicant_kind"], name=data["applicant_name"],
            id_number=data["applicant_id_number"], tax_code=data["applicant_tax_code"],
            phone=data.get("applicant_phone") or "", email=data.get("applicant_email") or "",
            address=data.get("applicant_address") or "",
            commune_code=data.get("applicant_commune") or "",
            representative_name=data.get("representative_name") or "",
            representative_relationship=data.get("representative_relationship") or "",
            representative_id_number=data["representative_id_number"],
        )
        return actions.Submission(
            procedure_code=self.version.procedure.code or "",
            receiving_agency=desks[int(data["receiving_agency"])],
            applicant=applicant,
            components=[*(actions.ComponentInput(
                requirement_id=row.requirement.pk, copies=data[row.copies.name], is_paper=True,
                paper_form=data[row.paper_form.name]) for row in self.received_rows()),
                *(actions.ComponentInput(requirement_id=pk, source=ComponentSource.NATIONAL,
                                         reference=taken.reference)
                  for pk, taken in self.taken.items()),
                *(actions.ComponentInput(requirement_id=row.requirement.pk,
                                         source=ComponentSource.EFORM)
                  for row in self.rows if self.eform_given(row))],
            form_data={**self.form_data,
                       **place_form_data(self.version, data.get("place_commune") or "")},
            channel=1,
            result_return=returns.ResultReturn(
                method=data["return_method"], agency_code=data.get("return_agency") or "",
                address=data.get("return_address") or ""),
        )

    def fingerprint(self) -> dict[str, Any]:
        """What was sent, for the double-submit check (the same form sent twice acts once)."""
        data = self.data
        sent: dict[str, Any] = {
            name: data.getlist(name) if isinstance(data, QueryDict) else data[name]
            for name in sorted(data) if name != "csrfmiddlewaretoken"}
        sent["files"] = sorted((name, f.name, f.size) for name, f in self.files_sent())
        return sent

    def files_sent(self) -> list[tuple[str, UploadedFile]]:
        return [(name, f) for name in sorted(self.files) for f in self.files.getlist(name)]


# The intake form's fields of the declaration's e-form: "eform__<name>" (an e-form's field names
# never start with "_", so none is the form's own "eform_used").
EFORM_PREFIX = "eform__"


def eform_specs(requirements: Iterable[ComponentRequirement]) -> list[eforms.Field]:
    """The fields of the procedure's e-forms (usually one, the declaration's)."""
    return [f for r in requirements if (form := eforms.of(r.eform_schema)) for f in form.fields]


def eform_initial(version: ProcedureVersion, person: population.PersonRecord
                  ) -> dict[str, Any]:
    """The e-form's answers the population database gives about the applicant looked up."""
    specs = eform_specs(version.components.all())
    return {EFORM_PREFIX + name: value
            for name, value in population.eform_values(specs, person).items()}


def applicant_initial(d: Dossier) -> dict[str, Any]:
    """The intake form's applicant fields, as an earlier dossier names its applicant."""
    return {
        "applicant_kind": d.applicant_kind, "applicant_name": d.applicant_name,
        "applicant_id_number": d.applicant_id_number,
        "applicant_tax_code": d.applicant_tax_code, "applicant_phone": d.applicant_phone,
        "applicant_email": d.applicant_email, "applicant_address": d.applicant_address,
        "applicant_commune": d.applicant_commune.code if d.applicant_commune else "",
    }


# Which field an error of the action is about (its code); the others go on top of the form.
FIELD_OF_ERROR = {
    "not_a_receiving_unit": "receiving_agency",
    "applicant_name": "applicant_name",
    "applicant_kind": "applicant_kind",
    "applicant_id_number": "applicant_id_number",
    "applicant_tax_code": "applicant_tax_code",
    "unknown_commune": "applicant_commune",
    "representative_name": "representative_name",
    "representative_relationship": "representative_relationship",
    "representative_id_number": "representative_id_number",
    "unknown_place_commune": "place_commune",
    "return_method": "return_method",
    "return_agency": "return_agency",
    "return_address": "return_address",
    "items": "extra_missing",
    "reason": "reason",
    "duration_case": "duration_case",
    "unknown_duration_case": "duration_case",
    "duration_reason": "duration_reason",
}
