"""Electronic certified copies from originals (records.certified) in the workspace: the page
where an officer of a commune that offers them certifies a scanned original, the commune's
book of certified copies, and each copy's page (its facts, the signed PDF, its verification
page; "sign again" when its signing failed).

Who: the officers of a commune that certifies copies; an officer of a commune that does not,
or a staff member who is no commune's officer, is refused with the reason (403). A copy of
another commune is "not found" (404), as one that does not exist."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from motcua.org.models import AdministrativeUnit, User
from motcua.records import certified, doctypes, files, signing
from motcua.records.models import CertifiedCopy
from motcua.workspace.access import staff_member, staff_required
from motcua.workspace.digitization import DigitizeForm

PER_PAGE = 20


class CertifyForm(DigitizeForm):
    """The original's facts, as at the counter's digitization, with its name."""

    title = forms.CharField(label=gettext_lazy("Name of the document"), max_length=500,
                            help_text=gettext_lazy("As written on the original, for example "
                                                   "“Bằng tốt nghiệp trung học phổ thông”."),
                            error_messages={"required": gettext_lazy(
                                "Enter the document's name.")})
    field_order = ["title", "upload", "document_type", "number", "issuer", "issued_on",
                   "valid_until", "owner_name", "owner_key"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].label = _("Scan of the original (PDF, JPEG or PNG)")
        self.fields["upload"].error_messages["required"] = _("Choose the scan of the original.")
        self.fields["owner_name"].label = _("Person who asks for the copy")

    def original(self) -> certified.Original:
        return certified.Original(title=self.cleaned_data["title"], tags=self.tags())


def _commune(user: User) -> AdministrativeUnit:
    try:
        return certified.check_may_certify(user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.detail) from exc


def _page(request: HttpRequest, unit: AdministrativeUnit, form: CertifyForm, *,
          status: int = 200) -> HttpResponse:
    register = certified.register_of([unit])
    page = Paginator(register, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "workspace/certified.html", {
        "unit": unit, "form": form, "fee": certified.fee_of(unit),
        "agency": certified.certifying_agency(unit), "page": page}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def certify(request: HttpRequest) -> HttpResponse:
    user = staff_member(request)
    unit = _commune(user)
    if request.method == "GET":
        return _page(request, unit, CertifyForm(initial={"document_type": doctypes.OTHER}))
    form = CertifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, unit, form, status=400)
    try:
        copy = certified.certify(form.cleaned_data["upload"], form.original(), actor=user,
                                 unit=unit)
    except InvalidInput as exc:
        target = exc.extra.get("field")
        form.add_error(target if target in form.fields else
                       ("upload" if exc.code == "upload_rejected" else None), exc.detail)
        return _page(request, unit, form, status=400)
    except certified.NotSigned as exc:
        messages.error(request, _("The copy is recorded but not signed: %(why)s") % {"why": exc})
        return redirect("workspace:certified-copy", public_id=exc.copy.public_id)
    except DomainError as exc:  # no certificate, no People's Committee: nothing written
        form.add_error(None, exc.detail)
        return _page(request, unit, form, status=400)
    messages.success(request, _("Copy %(number)s is certified, signed and in its owner's data "
                                "store.") % {"number": copy.number})
    return redirect("workspace:certified-copy", public_id=copy.public_id)


def _readable(request: HttpRequest, public_id: UUID) -> CertifiedCopy:
    try:
        return certified.readable(staff_member(request), str(public_id))
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@staff_required
def copy_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    copy = _readable(request, public_id)
    return render(request, "workspace/certified_copy.html", {
        "copy": copy, "type_label": doctypes.label(copy.document_type)})


@staff_required
def download(request: HttpRequest, public_id: UUID) -> FileResponse:
    copy = _readable(request, public_id)
    if copy.blob is None:
        raise Http404(_("The copy is not signed yet."))
    return files.response(copy.blob, certified.file_name(copy))


@staff_required
@require_POST
def sign_again(request: HttpRequest, public_id: UUID) -> HttpResponse:
    copy = _readable(request, public_id)
    _commune(staff_member(request))  # still an officer of a commune that certifies
    try:
        copy = certified.sign_certified(copy, actor=staff_member(request))
    except signing.SigningFailed as exc:
        messages.error(request, _("The copy is recorded but not signed: %(why)s") % {"why": exc})
    else:
        messages.success(request, _("Copy %(number)s is certified, signed and in its owner's "
                                    "data store.") % {"number": copy.number})
    return redirect("workspace:certified-copy", public_id=copy.public_id)
