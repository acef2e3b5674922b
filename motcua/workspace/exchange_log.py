"""The auditors' search of the exchange log (integration): who asked which national system
what about whom, and why, and which other agency's system asked us (the data-sharing API). For
the auditor and administrator roles only; read-only."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integration import exchange_log
from motcua.org.models import Role
from motcua.web.forms import DesignSystemForm
from motcua.workspace.access import holds, staff_member, staff_required

AUDITORS = frozenset({Role.AUDITOR, Role.ADMIN})


class SearchForm(DesignSystemForm):
    q = forms.CharField(
        label=gettext_lazy("ID number, tax code, dossier code, officer's user name or consumer "
                           "system's code"),
        required=False, max_length=48,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "class": "govuk-input--width-20"}))
    system = forms.ChoiceField(label=gettext_lazy("System"), required=False)
    since = forms.DateField(label=gettext_lazy("From (dd/mm/yyyy)"), required=False,
                            input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                            widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    until = forms.DateField(label=gettext_lazy("To (dd/mm/yyyy)"), required=False,
                            input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                            widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["system"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *((k, str(v)) for k, v in
                                            exchange_log.SYSTEMS.items())]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:  # type: ignore[operator]
            self.add_error("until", _("The end date is before the start date."))
        return data


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    if not (user.is_superuser or holds(user, AUDITORS)):
        raise PermissionDenied(_("The exchange log is for auditors."))
    form = SearchForm(request.GET or None)
    rows = []
    if form.is_valid():
        data = form.cleaned_data
        entries = exchange_log.search(q=data.get("q") or "", system=data.get("system") or "",
                                      since=data.get("since"), until=data.get("until"))
        rows = exchange_log.rows(entries)
    elif not form.is_bound:
        rows = exchange_log.rows(exchange_log.search(limit=50))
    return render(request, "workspace/exchange_log.html", {"form": form, "rows": rows})
