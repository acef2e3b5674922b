"""The public verification of signed electronic documents (no sign-in): the page the QR code
on every result and every electronic certified copy points to (/xac-thuc/<id>/), which checks
the stored document, and a form where anyone uploads a PDF they were given to check it
(records.verification: who signed, when, the time stamp, whether it is intact, and the
certificate's standing), which also names the document when it was issued here (a result, a
certified copy, or a copy digitized and signed at a one-stop counter). The page shows no
personal data beyond the masked owner name; the document itself is downloaded only by its
owner and the staff who may see it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import public_lookup_refused
from motcua.core.text import mask_name
from motcua.records import verification
from motcua.web.forms import DesignSystemForm


class VerifyUploadForm(DesignSystemForm):
    document = forms.FileField(
        label=gettext_lazy("The PDF document to check"),
        help_text=gettext_lazy("A signed electronic result or copy, as you received it (PDF)."),
        error_messages={"required": gettext_lazy("Choose the PDF file to check.")})

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large")
        data: bytes = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("The file is not a PDF document."), code="not_pdf")
        return data


def _facts(issued: verification.Issued) -> dict[str, Any]:
    owner = getattr(issued.document, "owner_name", "")
    return {"issued": issued, issued.kind: issued.document, "owner": mask_name(owner)}


def verify_result(request: HttpRequest, public_id: str) -> HttpResponse:
    """The page of one issued result or certified copy, by the id its QR code carries."""
    issued = verification.issued_by_public_id(str(public_id))
    if issued is None:
        raise Http404(_("No signed document has this address."))
    return render(request, "portal/verification.html", {
        **_facts(issued), "verdict": verification.verify_pdf(issued.read()),
        "form": VerifyUploadForm()})


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Check an uploaded PDF: its signature, and whether it is a result issued here."""
    if request.method == "GET":
        return render(request, "portal/verification.html", {"form": VerifyUploadForm()})
    if (wait := public_lookup_refused(request)) is not None:
        response = render(request, "portal/verification.html",
                          {"form": VerifyUploadForm(), "wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portal/verification.html", {"form": form}, status=400)
    verdict = verification.verify_pdf(form.cleaned_data["document"])
    issued = verification.issued_by_hash(verdict.sha256)
    context: dict[str, Any] = {"form": VerifyUploadForm(), "verdict": verdict,
                               "uploaded": True}
    if issued is not None:
        context.update(_facts(issued))
    return render(request, "portal/verification.html", context)
