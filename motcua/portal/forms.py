"""The citizen portal's forms: the catalogue search and the tracking lookup."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Level, Sector
from motcua.org.models import Agency
from motcua.web.forms import DesignSystemForm

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
