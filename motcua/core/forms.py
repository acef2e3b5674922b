"""Form pieces shared by every domain (the admin now, the web pages to come)."""

from __future__ import annotations

from typing import Any

from django import forms

from motcua.core.text import UNFIT_MESSAGES, UnfitText, clean_human_text


class HumanTextFormMixin:
    """Every text a person types in the form goes through `clean_human_text`, the check the
    API's HumanTextField makes: NFC, and no NUL, lone surrogate, bidirectional control or
    invisible-only text. Passwords are left as typed."""

    fields: dict[str, forms.Field]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # a Form's clean
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(value, str) or not isinstance(field, forms.CharField) \
                    or isinstance(field.widget, forms.PasswordInput):
                continue
            try:
                cleaned[name] = clean_human_text(value)
            except UnfitText as unfit:
                self.add_error(  # type: ignore[attr-defined]  # a Form's add_error
                    name, forms.ValidationError(UNFIT_MESSAGES[unfit.code], code=unfit.code))
        return cleaned


class HumanTextModelForm(HumanTextFormMixin, forms.ModelForm):
    """The admin's default form (core.admin.HumanTextAdmin)."""
