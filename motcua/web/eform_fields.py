"""The form fields of an e-form (catalog.eforms) in the design system's widgets, shared by the
portal's submission wizard and the counter's intake: each value checked by catalog.eforms, the
rule the API uses. The commune questions take the page's own widget (the portal's province and
commune picker, the counter's list of the province's communes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import eforms

OPTIONAL = gettext_lazy("(optional)")


def widget_for(spec: eforms.Field, commune_widget: Callable[[], forms.Widget]) -> forms.Widget:
    short = {"class": "govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}
    if spec.type == eforms.TEXTAREA:
        return forms.Textarea(attrs={"rows": 4})
    if spec.type == eforms.DATE:
        # typed as dd/mm/yyyy, as every Vietnamese paper writes it: a browser's date picker
        # shows its own locale's order, mm/dd/yyyy in an English browser
        return forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"})
    if spec.type == eforms.NUMBER:
        return forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5",
                                      "autocomplete": "off"})
    if spec.type == eforms.SELECT:
        return forms.Select(choices=[("", _("Choose")), *((c.value, c.label)
                                                           for c in spec.choices)])
    if spec.type == eforms.CHECKBOX:
        return forms.CheckboxInput()
    if spec.type == eforms.NATIONAL_ID:
        return forms.TextInput(attrs={**short, "inputmode": "numeric"})
    if spec.type == eforms.PHONE:
        return forms.TextInput(attrs={**short, "type": "tel"})
    if spec.type == eforms.EMAIL:
        return forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    if spec.type == eforms.COMMUNE:
        return commune_widget()
    width = "govuk-input--width-20" if (spec.max_length or 255) <= 50 else ""
    return forms.TextInput(attrs={"class": width} if width else {})


class EFormField(forms.Field):
    """A field of an e-form: its value checked by catalog.eforms, the rule the API uses.
    `commune_code` reads the commune widget's value as a commune code; `commune_exists` says
    whether a code names a commune. `checked=False`: the value is kept as typed, for a form
    that checks the whole e-form only when it is used (catalog.eforms.clean)."""

    def __init__(self, spec: eforms.Field, *, today: dt.date,
                 commune_widget: Callable[[], forms.Widget],
                 commune_code: Callable[[Any], str],
                 commune_exists: eforms.CommuneExists, checked: bool = True) -> None:
        self.spec, self.today, self.checked = spec, today, checked
        self.commune_code, self.commune_exists = commune_code, commune_exists
        label = spec.label if spec.required or spec.type == eforms.CHECKBOX \
            else f"{spec.label} {OPTIONAL}"
        hint = spec.help
        if spec.type == eforms.DATE:
            hint = " ".join(h for h in (hint, _("Day/month/year, for example 25/12/2020."))
                            if h)
        super().__init__(required=False, label=label, help_text=hint,
                         widget=widget_for(spec, commune_widget))

    def clean(self, value: Any) -> Any:
        if self.spec.type == eforms.COMMUNE:
            value = self.commune_code(value)
        if not self.checked:
            return value
        try:
            return eforms.clean_value(self.spec, value, today=self.today,
                                      commune_exists=self.commune_exists)
        except eforms.FieldError as exc:
            raise forms.ValidationError(str(exc)) from None
