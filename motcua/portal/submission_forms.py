"""The forms of the online submission's steps (portal.submission), in the design system's
markup (web.forms.DesignSystemForm), each checking what it holds with the rule the API uses:
the applicant through the API's own ApplicantSerializer, the e-form through catalog.eforms, the
return through dossiers.returns, the files through dossiers.uploads (portal.drafts).
portal.submission_steps binds them to what a draft saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import eforms
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.core.forms import HumanTextFormMixin
from motcua.dossiers import actions, returns
from motcua.dossiers.models import (
    REPRESENTATION_DOCUMENTS,
    ApplicantKind,
    ComponentSource,
    Dossier,
    Representation,
    ReturnMethod,
)
from motcua.dossiers.routing import PLACE_FIELDS, PROPERTY_COMMUNE_FIELD
from motcua.dossiers.serializers import ApplicantSerializer
from motcua.integration import national_documents
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id
from motcua.org.models import Agency, User
from motcua.portal.commune_picker import CommuneField, CommuneWidget, commune_code, commune_exists
from motcua.portal.models import DraftFile, SubmissionDraft
from motcua.portal.submission import (
    COMPONENTS,
    NATIONAL,
    PAPER,
    UPLOAD,
    Plan,
    Slot,
    files_by_slot,
)
from motcua.records import reuse, store
from motcua.records.models import StoreItem
from motcua.web.eform_fields import EFormField
from motcua.web.forms import DesignSystemForm


class Radios(forms.RadioSelect):
    """Radios whose field's id is its first radio's: the error summary links there."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class QuietMixin:
    """A bound form shown again as typed, without its errors (a draft saved half done)."""

    def quiet(self) -> None:
        self._errors = ErrorDict()  # BoundField.errors reads it instead of validating

    _errors: ErrorDict | None


# --- the e-form ----------------------------------------------------------------------------


def eform_field(spec: eforms.Field, today: dt.date) -> EFormField:
    """An e-form's field with the portal's commune picker."""
    return EFormField(spec, today=today, commune_widget=CommuneWidget,
                      commune_code=commune_code, commune_exists=commune_exists)


# The question asked when the competence basis looks at a commune the e-form does not ask.
PLACE_LABELS = {
    PROPERTY_COMMUNE_FIELD: gettext_lazy("Commune or ward where the property is"),
    PLACE_FIELDS["event_place"]: gettext_lazy("Commune or ward where the event took place"),
    PLACE_FIELDS["new_residence"]: gettext_lazy("Commune or ward of the new residence"),
}


@dataclass
class EFormSection:
    title: str
    fields: list[forms.BoundField]


class EFormForm(QuietMixin, DesignSystemForm):
    """Every e-form of the procedure (usually one, the declaration), and the commune the
    competence basis looks at when they do not ask it."""

    def __init__(self, plan: Plan, data: Any = None, *, today: dt.date,
                 initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.prefilled = ""  # portal.prefill's outcome, when the step filled it
        self.specs: dict[str, eforms.Field] = {}
        groups: list[tuple[str, list[str]]] = []
        for slot in plan.eform_slots:
            assert slot.eform is not None
            for section in slot.eform.sections:
                groups.append((section.title or slot.eform.title, [f.name for f in
                                                                   section.fields]))
                for spec in section.fields:
                    self.specs[spec.name] = spec
        if plan.place_field:
            label = str(PLACE_LABELS.get(plan.place_field, _("Commune or ward")))
            spec = eforms.Field(name=plan.place_field, type=eforms.COMMUNE, label_vi=label,
                                required=True, help_vi=str(_(
                                    "Its People's Committee or agency handles the dossier.")))
            self.specs[spec.name] = spec
            groups.append(("", [spec.name]))
        for name, spec in self.specs.items():
            self.fields[name] = eform_field(spec, today)
        self.groups = groups

    def sections(self) -> list[EFormSection]:
        return [EFormSection(title, [self[name] for name in names])
                for title, names in self.groups]

    def form_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


# --- who is applying -----------------------------------------------------------------------

FOR_SELF, FOR_OTHER, FOR_ORG = "self", "other", "org"


class ApplicantForm(QuietMixin, HumanTextFormMixin, DesignSystemForm):
    filing_for = forms.ChoiceField(
        label=gettext_lazy("Who are you applying for?"), widget=Radios,
        error_messages={"required": gettext_lazy("Choose who you are applying for.")})
    name = forms.CharField(label=gettext_lazy("Your full name"), max_length=255,
                           required=False, widget=forms.TextInput(
                               attrs={"autocomplete": "name", "spellcheck": "false"}))
    other_name = forms.CharField(label=gettext_lazy("Their full name"), max_length=255,
                                 required=False, widget=forms.TextInput(
                                     attrs={"autocomplete": "off", "spellcheck": "false"}))
    other_id_number = forms.CharField(
        label=gettext_lazy("Their personal ID number"), max_length=12, required=False,
        help_text=gettext_lazy("12 digits, on their ID card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "class": "govuk-input--width-20"}))
    relationship = forms.ChoiceField(
        label=gettext_lazy("How you represent them"), required=False,
        choices=[("", gettext_lazy("Choose")), *Representation.choices],
        help_text=gettext_lazy("You will upload the document that proves it."))
    org_name = forms.CharField(label=gettext_lazy("Name of the organisation"), max_length=255,
                               required=False, widget=forms.TextInput(
                                   attrs={"autocomplete": "organization"}))
    phone = forms.CharField(
        label=gettext_lazy("Phone number"), max_length=20,
        help_text=gettext_lazy("The agency calls or texts this number about the dossier."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "class": "govuk-input--width-20"}),
        error_messages={"required": gettext_lazy("Enter a phone number.")})
    email = forms.EmailField(
        label=gettext_lazy("Email address (optional)"), max_length=254, required=False,
        error_messages={"invalid": gettext_lazy(
            "Enter an email address like name@example.com.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    address = forms.CharField(
        label=gettext_lazy("Address of residence"), max_length=500,
        help_text=gettext_lazy("House number, street, village or residential group."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": gettext_lazy("Enter the address of residence.")})
    commune = CommuneField(
        label=gettext_lazy("Commune or ward of residence"),
        help_text=gettext_lazy("For most procedures, the People's Committee of the commune "
                               "or ward of residence handles the dossier."),
        error_messages={"required": gettext_lazy("Choose the commune or ward of residence.")})

    # The API's names of the applicant's fields, for its errors (ApplicantSerializer).
    API_FIELDS = {"id_number": "other_id_number", "phone": "phone", "email": "email",
                  "address": "address", "commune_code": "commune",
                  "representative_relationship": "relationship"}

    def __init__(self, data: Any = None, *, account: User, version: ProcedureVersion,
                 initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.account = account
        self.prefilled = ""  # portal.prefill's outcome, when the step filled it
        kinds = version.applicant_types or [ApplicantKind.PERSON, ApplicantKind.ORGANISATION]
        choices = []
        if ApplicantKind.PERSON in kinds and account.national_id:
            choices.append((FOR_SELF, _("Myself")))
        if ApplicantKind.PERSON in kinds:
            choices.append((FOR_OTHER, _("Someone else, whom I represent")))
        if ApplicantKind.ORGANISATION in kinds and account.tax_code:
            choices.append((FOR_ORG, _("My organisation (tax code %(code)s)")
                            % {"code": account.tax_code}))
        cast(forms.ChoiceField, self.fields["filing_for"]).choices = choices
        self.filing_labels = dict(choices)

    def clean_other_id_number(self) -> str:
        number = str(self.cleaned_data.get("other_id_number") or "").strip()
        if number:
            try:
                validate_personal_id(number)
            except InvalidIdentifier as exc:
                raise forms.ValidationError(exc.message) from None
        return number

    def clean_commune(self) -> str:
        code = str(self.cleaned_data.get("commune") or "")
        if not commune_exists(code):
            raise forms.ValidationError(_("Choose the commune or ward of residence."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        who = data.get("filing_for")
        needed = {FOR_SELF: {"name": _("Enter your full name.")},
                  FOR_OTHER: {"other_name": _("Enter the full name of the person you "
                                              "represent."),
                              "other_id_number": _("Enter their personal ID number."),
                              "relationship": _("Choose how you represent them.")},
                  FOR_ORG: {"org_name": _("Enter the name of the organisation.")}}
        for name, message in needed.get(who or "", {}).items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if who and not self.errors:
            checked = ApplicantSerializer(data=self.payload())
            if not checked.is_valid():
                for key, messages in checked.errors.items():
                    target = self._api_field(key)
                    for message in messages:
                        self.add_error(target, str(message))
        return data

    def _api_field(self, key: str) -> str | None:
        if key == "name":
            return {FOR_SELF: "name", FOR_OTHER: "other_name", FOR_ORG: "org_name"}.get(
                self.cleaned_data.get("filing_for", ""))
        return self.API_FIELDS.get(key)

    def payload(self) -> dict[str, Any]:
        """The applicant as the API takes it (ApplicantSerializer's fields)."""
        data = self.cleaned_data
        who = data.get("filing_for")
        common = {"phone": data.get("phone", ""), "email": data.get("email", ""),
                  "address": data.get("address", ""), "commune_code": data.get("commune", "")}
        if who == FOR_ORG:
            return {"kind": ApplicantKind.ORGANISATION, "name": data.get("org_name", ""),
                    "tax_code": self.account.tax_code, **common}
        if who == FOR_OTHER:
            return {"kind": ApplicantKind.PERSON, "name": data.get("other_name", ""),
                    "id_number": data.get("other_id_number", ""),
                    "representative_relationship": data.get("relationship", ""), **common}
        return {"kind": ApplicantKind.PERSON, "name": data.get("name", ""),
                "id_number": self.account.national_id, **common}

    def applicant(self) -> actions.Applicant:
        return actions.Applicant(**self.payload())

    @property
    def representation(self) -> str:
        if self.cleaned_data.get("filing_for") != FOR_OTHER:
            return ""
        return str(self.cleaned_data.get("relationship") or "")


def applicant_initial(account: User) -> dict[str, Any]:
    """What the account says of its holder, and the address of their last dossier."""
    last: Any = (Dossier.objects.filter(account=account).order_by("-submitted_at", "-pk")
            .values("applicant_address", "applicant_commune__code").first()) or {}
    return {"filing_for": FOR_SELF if account.national_id else "",
            "name": account.full_name, "phone": account.phone, "email": account.email,
            "address": last.get("applicant_address", ""),
            "commune": last.get("applicant_commune__code") or ""}


# --- the components ------------------------------------------------------------------------


@dataclass
class SlotState:
    """A component on the components step: how it is given, its files, its problem."""

    key: str  # the requirement's id, or "authorization"
    name: str
    required: bool
    source: str
    files: list[DraftFile]
    slot: Slot | None = None  # None: the proof of the representation
    error: str = ""
    # the valid documents of its type in the applicant's data store (records.reuse), each
    # chosen as the source `store:<id>`
    offers: list[StoreItem] = field(default_factory=list)

    @property
    def offer_values(self) -> dict[str, StoreItem]:
        return {reuse.reference(item): item for item in self.offers}

    @property
    def reused(self) -> StoreItem | None:
        return self.offer_values.get(self.source)

    @property
    def national_database(self) -> str:
        """The national database the agency takes it from, named ("" if none is named)."""
        source = self.slot.requirement.national_source if self.slot is not None else ""
        return national_documents.database_name(source) if source else ""

    @property
    def input_name(self) -> str:
        return f"file-{self.key}"

    @property
    def source_name(self) -> str:
        return f"source-{self.key}"


@dataclass
class ComponentsStep:
    plan: Plan
    states: list[SlotState] = field(default_factory=list)

    @property
    def sources(self) -> list[tuple[str, str, str]]:
        """The ways to give a component: (value, label, hint)."""
        ways = [(UPLOAD, _("Upload a file"), ""),
                (NATIONAL, _("The agency takes it from a national database"),
                 _("For example your ID card, from the national population database."))]
        if self.plan.paper_allowed:
            ways.append((PAPER, _("On paper, at the one-stop unit"),
                         _("Bring it to the unit that receives your dossier.")))
        return ways

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(s.key, s.error) for s in self.states if s.error]

    def validate(self) -> bool:
        for state in self.states:
            state.error = ""
            if not state.required or state.source != UPLOAD or state.files:
                continue
            state.error = (_("Upload “%(name)s” or choose another way to give it.")
                           if state.slot is not None else _("Upload “%(name)s”."))\
                % {"name": state.name}
        return not any(s.error for s in self.states)

    def to_take(self) -> list[SlotState]:
        """The components to take from the national database the catalogue names for them
        (chosen "the agency takes it from a national database"): looked up when the dossier
        is submitted (portal.submission_steps.take_national)."""
        return [s for s in self.states if s.slot is not None and s.reused is None
                and s.source == NATIONAL and s.slot.requirement.national_source]

    def component_inputs(self, taken: Mapping[int, national_documents.Taken] | None = None
                         ) -> list[actions.ComponentInput]:
        """The action's components; `taken`: by requirement id, those looked up in their
        national database (the reference goes on the component)."""
        taken = taken or {}
        given = [actions.ComponentInput(requirement_id=s.requirement.pk,
                                        source=ComponentSource.EFORM)
                 for s in self.plan.eform_slots]
        for state in self.states:
            if state.slot is None:
                if state.files:
                    given.append(actions.ComponentInput(authorization=True))
                continue
            requirement_id = state.slot.requirement.pk
            if state.reused is not None:
                given.append(actions.ComponentInput(requirement_id=requirement_id,
                                                    source=ComponentSource.REUSED,
                                                    reference=state.source))
            elif state.source == NATIONAL:
                found = taken.get(requirement_id)
                given.append(actions.ComponentInput(
                    requirement_id=requirement_id, source=ComponentSource.NATIONAL,
                    reference=found.reference if found is not None else ""))
            elif state.source == PAPER:
                given.append(actions.ComponentInput(requirement_id=requirement_id,
                                                    is_paper=True))
            elif state.files:
                given.append(actions.ComponentInput(requirement_id=requirement_id))
        return given

    def files_to_attach(self) -> list[DraftFile]:
        return [f for s in self.states if s.source == UPLOAD for f in s.files]


def components_step(plan: Plan, draft: SubmissionDraft, representation: str,
                    sources: dict[str, str] | None = None) -> ComponentsStep:
    """The components step of a draft: `sources` as chosen (else as saved)."""
    chosen = sources if sources is not None else dict(draft.data.get(COMPONENTS) or {})
    files = files_by_slot(list(draft.files.all()))
    allowed = {UPLOAD, NATIONAL} | ({PAPER} if plan.paper_allowed else set())
    step = ComponentsStep(plan)
    # what the applicant's own data store holds, valid, for each component (filing for
    # themselves: a representative's store is not the applicant's)
    held = reuse.offers(store.keys_of(draft.owner) if not representation else [],
                        {s.requirement.pk: s.requirement.name for s in plan.document_slots})
    for slot in plan.document_slots:
        if slot.info_only and not slot.must_give:
            continue
        key = str(slot.requirement.pk)
        source = chosen.get(key, UPLOAD)
        offers = held[slot.requirement.pk].items
        known = allowed | {reuse.reference(item) for item in offers}
        step.states.append(SlotState(
            key=key, name=slot.requirement.name, required=slot.must_give,
            source=source if source in known else UPLOAD,
            files=files.get(slot.requirement.pk, []), slot=slot, offers=offers))
    proof = REPRESENTATION_DOCUMENTS.get(representation)
    if proof is not None:
        step.states.append(SlotState(key="authorization", name=str(proof), required=True,
                                     source=UPLOAD, files=files.get("authorization", [])))
    return step


# --- where the result is returned ------------------------------------------------------------


class ReturnForm(QuietMixin, HumanTextFormMixin, DesignSystemForm):
    method = forms.ChoiceField(
        label=gettext_lazy("How do you want to receive the result?"), widget=Radios,
        error_messages={"required": gettext_lazy("Choose how to receive the result.")})
    agency = forms.ChoiceField(label=gettext_lazy("One-stop unit"), required=False)
    address = forms.CharField(
        label=gettext_lazy("Postal address"), max_length=500, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))

    METHOD_LABELS = {
        ReturnMethod.UNIT: gettext_lazy("At a one-stop unit of the province"),
        ReturnMethod.POSTAL: gettext_lazy("By post (public postal service)"),
        ReturnMethod.ONLINE: gettext_lazy("Online, in my account"),
    }

    def __init__(self, data: Any = None, *, plan: Plan, receiving: Agency | None,
                 applicant_address: str, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.receiving, self.applicant_address = receiving, applicant_address
        cast(forms.ChoiceField, self.fields["method"]).choices = [
            (m, self.METHOD_LABELS[ReturnMethod(m)]) for m in plan.return_methods]
        units = []
        if receiving is not None:
            province = receiving.unit.province()
            units = list(Agency.objects.filter(
                is_active=True, kind__in=[Agency.Kind.PROVINCE_CENTER,
                                          Agency.Kind.COMMUNE_CENTER])
                .filter(Q(unit=province) | Q(unit__parent=province)))
        units.sort(key=lambda a: (a.pk != getattr(receiving, "pk", None),
                                  a.kind != Agency.Kind.PROVINCE_CENTER, a.name))
        self.unit_names = {a.code: a.name for a in units}
        cast(forms.ChoiceField, self.fields["agency"]).choices = list(self.unit_names.items())
        if applicant_address:
            self.fields["address"].help_text = _(
                "Leave it empty to receive it at your address: %(address)s.") % {
                "address": applicant_address}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.receiving is None:
            raise forms.ValidationError(_("No one-stop unit of the province receives dossiers "
                                          "online: file this dossier at a counter."))
        if "method" in data and not self.errors:
            try:
                returns.validated(self.result_return(), self.receiving, self.applicant_address)
            except InvalidInput as exc:
                target = {"return_address": "address", "return_agency": "agency"}.get(
                    exc.code, "method")
                self.add_error(target, exc.detail)
        return data

    def result_return(self) -> returns.ResultReturn:
        data = self.cleaned_data
        method = data.get("method") or ReturnMethod.UNIT
        return returns.ResultReturn(
            method=method,
            agency_code=data.get("agency", "") if method == ReturnMethod.UNIT else "",
            address=data.get("address", "") if method == ReturnMethod.POSTAL else "")


# --- the review ----------------------------------------------------------------------------


class ReviewForm(DesignSystemForm):
    declaration = forms.BooleanField(
        label=gettext_lazy("I declare that the information I gave is true, and I am "
                           "responsible for it before the law."),
        error_messages={"required": gettext_lazy(
            "Tick the box to declare that the information is true.")})
