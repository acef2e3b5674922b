"""Django forms in the design system's markup (GOV.UK Frontend).

A form that subclasses `DesignSystemForm` renders each field with `web/includes/field.html`:
label, hint, the error next to the field, and the input with the design system's classes, its
error state and `aria-describedby` pointing at the hint and the error. What was typed is kept
(Django's bound forms). `web/includes/error_summary.html` lists the errors at the top of the
page, each linking to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from motcua.web.rendering import FAST_WIDGETS

# The design system's class for each kind of widget, and its error modifier.
WIDGET_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.widgets.Input, "govuk-input", "govuk-input--error"),
]


class DesignSystemBoundField(BoundField):
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    def build_widget_attrs(self, attrs: dict[str, Any],
                           widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        for kind, css, error_css in WIDGET_CLASSES:
            if isinstance(widget, kind):
                # the widget's own classes (a width) are kept: these attrs override its attrs
                classes = [str(attrs.get("class") or widget.attrs.get("class") or ""), css,
                           error_css if self.errors else ""]
                attrs["class"] = " ".join(c for c in classes if c)
                break
        described = [self.hint_id] if self.help_text else []
        if self.errors:
            described.append(self.error_id)
        if described:
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class DesignSystemForm(forms.Form):
    bound_field_class = DesignSystemBoundField
    default_renderer = FAST_WIDGETS


class DesignSystemRadios(forms.RadioSelect):
    """Radios rendered by `web/includes/radio_field.html`: the field's label points at its first
    radio, so that the error summary's link reaches the group (Django's RadioSelect gives it
    none)."""

    def id_for_label(self, id_: str, index: str = "0") -> str:
        return forms.widgets.ChoiceWidget.id_for_label(self, id_, index)


class SignInForm(AuthenticationForm):
    """Django's sign-in form (authenticate() with the request: django-axes counts failures and
    locks), in the design system's markup."""

    bound_field_class = DesignSystemBoundField

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Both are case-sensitive."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.pop("autofocus", None)
