"""What the review page shows of a draft (portal.submission_steps.Bound): every step's
answers in words, the files with their links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.dossiers.models import Representation, ReturnMethod
from motcua.org.models import AdministrativeUnit
from motcua.portal.commune_picker import commune_code
from motcua.portal.models import DraftFile
from motcua.portal.submission import (
    APPLICANT,
    COMPONENTS,
    EFORM,
    NATIONAL,
    PAPER,
    RETURN,
    STEP_TITLES,
    UPLOAD,
)
from motcua.portal.submission_forms import FOR_OTHER, FOR_SELF, EFormForm, ReturnForm
from motcua.portal.submission_steps import Bound


@dataclass
class Row:
    key: str
    value: str
    vietnamese: bool = False  # a text as the catalogue or the applicant wrote it (lang="vi")
    files: list[DraftFile] = field(default_factory=list)


@dataclass
class Part:
    step: str
    title: str
    rows: list[Row]
    complete: bool


def summary(bound: Bound) -> list[Part]:
    """Every step of a draft as the review shows it: what was given, in words."""
    valid = bound.valid_steps()
    names = commune_names(bound)
    parts = [Part(APPLICANT, str(STEP_TITLES[APPLICANT]), _applicant_rows(bound, names),
                  valid[APPLICANT])]
    if bound.eform is not None:
        parts.append(Part(EFORM, str(STEP_TITLES[EFORM]), _eform_rows(bound.eform, names),
                          valid[EFORM]))
    parts.append(Part(COMPONENTS, str(STEP_TITLES[COMPONENTS]), _component_rows(bound),
                      valid[COMPONENTS]))
    parts.append(Part(RETURN, str(STEP_TITLES[RETURN]), _return_rows(bound), valid[RETURN]))
    return parts


def commune_names(bound: Bound) -> dict[str, str]:
    """The names of the communes the draft names, read at once."""
    codes = {commune_code(bound.applicant["commune"].value())}
    if bound.eform is not None:
        codes |= {commune_code(bound.eform[n].value()) for n, spec in bound.eform.specs.items()
                  if spec.type == eforms.COMMUNE}
    units = AdministrativeUnit.objects.filter(code__in=codes - {""}).select_related("parent")
    return {u.code: f"{u.name}, {u.parent.name}" if u.parent else u.name for u in units}


def _clean(form: forms.Form) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _applicant_rows(bound: Bound, names: dict[str, str]) -> list[Row]:
    data = _clean(bound.applicant)
    if not data:
        return []
    who = data["filing_for"]
    account = bound.applicant.account
    rows = [Row(_("Applying for"), str(bound.applicant.filing_labels.get(who, "")))]
    if who == FOR_SELF:
        rows += [Row(_("Full name"), data["name"], True),
                 Row(_("Personal ID number"), account.national_id)]
    elif who == FOR_OTHER:
        rows += [Row(_("Their full name"), data["other_name"], True),
                 Row(_("Their personal ID number"), data["other_id_number"]),
                 Row(_("How you represent them"), str(Representation(data["relationship"])
                                                      .label)),
                 Row(_("Representative"), f"{account.full_name} ({account.national_id})",
                     True)]
    else:
        rows += [Row(_("Organisation"), data["org_name"], True),
                 Row(_("Tax code"), account.tax_code)]
    rows += [Row(_("Phone number"), data["phone"]),
             Row(_("Email address"), data.get("email") or "—"),
             Row(_("Address of residence"), data["address"], True),
             Row(_("Commune or ward of residence"), names.get(data["commune"], ""), True)]
    return rows


def _eform_rows(form: EFormForm, names: dict[str, str]) -> list[Row]:
    data = _clean(form)
    rows = []
    for name, spec in form.specs.items() if data else ():
        value = data.get(name)
        if value is None:
            continue
        shown = names.get(value, "") if spec.type == eforms.COMMUNE \
            else eforms.display(spec, value)
        rows.append(Row(spec.label, shown, spec.type in (eforms.TEXT, eforms.TEXTAREA,
                                                         eforms.COMMUNE, eforms.SELECT)))
    return rows


def _component_rows(bound: Bound) -> list[Row]:
    rows = [Row(s.requirement.name, _("Filled in online (the declaration above)"), True)
            for s in bound.plan.eform_slots]
    labels = {UPLOAD: "", NATIONAL: _("The agency takes it from a national database"),
              PAPER: _("On paper, at the one-stop unit")}
    for state in bound.components.states:
        if state.source == UPLOAD:
            if state.files:
                rows.append(Row(state.name, "", True, files=state.files))
            elif state.required:
                rows.append(Row(state.name, _("Not uploaded yet"), True))
            continue
        if state.reused is not None:
            rows.append(Row(state.name, _("From my data store: %(title)s")
                            % {"title": state.reused.title}, True))
            continue
        rows.append(Row(state.name, labels[state.source], True))
    return rows


def _return_rows(bound: Bound) -> list[Row]:
    rows = []
    if bound.receiving is not None:
        rows.append(Row(_("Received by"), bound.receiving.name, True))
    data = _clean(bound.result)
    if not data:
        return rows
    method = data["method"]
    rows.append(Row(_("The result"), str(ReturnForm.METHOD_LABELS[ReturnMethod(method)])))
    if method == ReturnMethod.UNIT:
        code = data.get("agency") or (bound.receiving.code if bound.receiving else "")
        rows.append(Row(_("One-stop unit"), bound.result.unit_names.get(code, ""), True))
    elif method == ReturnMethod.POSTAL:
        rows.append(Row(_("Postal address"), data.get("address") or bound.result.applicant_address,
                        True))
    return rows
