"""Digitization at the counter (records.digitization) in the workspace: the panel on the
dossier page and on the counter's receipt page (templatetags/digitization.py), and the forms it
sends. Each runs the one action, after the policy: a person who may not read the dossier gets
404, one who may read but not digitize is refused (403) with the reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.dossiers import policy
from motcua.dossiers.models import Dossier
from motcua.records import digitization, doctypes, files, reuse
from motcua.web.forms import DesignSystemForm
from motcua.workspace.access import staff_member, staff_required

DATE_HINT = gettext_lazy("Day/month/year, for example 25/12/2020.")


class DigitizeForm(DesignSystemForm):
    upload = forms.FileField(label=gettext_lazy("Scanned file (PDF, JPEG or PNG)"),
                             error_messages={"required": gettext_lazy("Choose the scanned file.")})
    document_type = forms.ChoiceField(label=gettext_lazy("Document type"), choices=())
    number = forms.CharField(label=gettext_lazy("Document number"), max_length=100,
                             required=False)
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=255, required=False)
    issued_on = forms.DateField(label=gettext_lazy("Issue date"), required=False,
                                input_formats=["%d/%m/%Y"], help_text=DATE_HINT,
                                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until (empty: no end date)"), required=False,
        input_formats=["%d/%m/%Y"], help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    owner_name = forms.CharField(label=gettext_lazy("Owner"), max_length=255)
    owner_key = forms.CharField(label=gettext_lazy("Owner's personal ID number or tax code"),
                                max_length=14,
                                widget=forms.TextInput(attrs={"class": "govuk-input--width-20",
                                                              "inputmode": "numeric"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = doctypes.choices()  # type: ignore[attr-defined]

    def tags(self) -> digitization.Tags:
        data = self.cleaned_data
        return digitization.Tags(
            document_type=data["document_type"], owner_key=data["owner_key"],
            owner_name=data["owner_name"], number=data.get("number", ""),
            issuer=data.get("issuer", ""), issued_on=data.get("issued_on"),
            valid_until=data.get("valid_until"))


class AskAgainForm(DesignSystemForm):
    reason = forms.CharField(label=gettext_lazy("Why is it asked for again?"), max_length=2000,
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))


def initial_for(d: Dossier, component_name: str) -> dict[str, Any]:
    return {"document_type": doctypes.of_component(component_name),
            "owner_name": d.applicant_name,
            "owner_key": d.applicant_id_number or d.applicant_tax_code}


def _back(request: HttpRequest, d: Dossier) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("workspace:dossier", kwargs={"code": d.code})


def _visible(request: HttpRequest, code: str) -> Dossier:
    try:
        return policy.get_visible(staff_member(request), code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _again(request: HttpRequest, d: Dossier, key: str, form: forms.Form) -> HttpResponse:
    """The page the form came from, again, with the form's errors next to its fields."""
    from motcua.workspace import dossier as dossier_page

    request.digitization_sent = (key, form)  # type: ignore[attr-defined]
    return dossier_page.page(request, dossier_page._visible(staff_member(request), d.code),
                             status=400)


@staff_required
@require_POST
def digitize(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    user = staff_member(request)
    d = _visible(request, code)
    if not digitization.can_digitize(user, d):
        raise PermissionDenied(_("You cannot digitize the components of this dossier now."))
    form = DigitizeForm(request.POST, request.FILES, prefix=f"c{component_id}")
    key = f"digitize-{component_id}"
    if not form.is_valid():
        return _again(request, d, key, form)
    try:
        digitization.digitize(d, component_id, form.cleaned_data["upload"], form.tags(),
                              actor=user)
    except InvalidInput as exc:
        target = exc.extra.get("field")
        form.add_error(target if target in form.fields else
                       ("upload" if exc.code == "upload_rejected" else None), exc.detail)
        return _again(request, d, key, form)
    except DomainError as exc:
        raise PermissionDenied(exc.detail) from exc
    messages.success(request, _("The component is digitized and in its owner's data store."))
    return redirect(_back(request, d))


@staff_required
@require_POST
def ask_again(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    user = staff_member(request)
    d = _visible(request, code)
    if not digitization.can_digitize(user, d):
        raise PermissionDenied(_("You cannot ask for documents of this dossier now."))
    form = AskAgainForm(request.POST, prefix=f"a{component_id}")
    form.is_valid()
    try:
        asked = reuse.ask_again(d, component_id, form.cleaned_data.get("reason", ""),
                                actor=user)
    except InvalidInput as exc:
        form.add_error("reason", exc.detail)
        return _again(request, d, f"again-{component_id}", form)
    messages.success(request, _("The reason is kept: the applicant will be asked again.")
                     if asked else _("The applicant's data store does not hold this "
                                     "document: nothing to justify."))
    return redirect(_back(request, d))


@staff_required
def copy_file(request: HttpRequest, code: str, copy_id: int) -> FileResponse:
    try:
        copy = digitization.readable_copy(request.user, code, copy_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if copy.signed_blob is not None:
        return files.response(copy.signed_blob, digitization.signed_name(copy.original_name))
    return files.response(copy.blob, copy.original_name)
