"""The public verification of signed electronic results (no sign-in): the page the QR code on
every result points to (/xac-thuc/<id>/), which checks the stored document, and a form where
anyone uploads a PDF they were given to check it (records.verification: who signed, when, the
time stamp, whether it is intact, and the certificate's standing). The page shows no personal
data beyond the masked owner name; the document itself is downloaded only by its owner and
the staff who may see its dossier (the dossier pages)."""

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
from motcua.records.models import ResultDocument, ResultState
from motcua.web.forms import DesignSystemForm


class VerifyUploadForm(DesignSystemForm):
    document = forms.FileField(
        label=gettext_lazy("The PDF document to check"),
        help_text=gettext_lazy("A signed electronic result, as you received it (PDF)."),
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


def _result_facts(result: ResultDocument) -> dict[str, Any]:
    return {"result": result, "owner": mask_name(result.owner_name)}


def _stored_verdict(result: ResultDocument) -> verification.Verdict | None:
    if result.state != ResultState.SIGNED or not result.file:
        return None
    with result.file.open("rb") as stored:
        return verification.verify_pdf(stored.read())


def verify_result(request: HttpRequest, public_id: str) -> HttpResponse:
    """The page of one issued result, by the id its QR code carries."""
    result = (ResultDocument.objects.select_related("signer_agency", "procedure")
              .filter(public_id=public_id).first())
    if result is None or result.state != ResultState.SIGNED:
        raise Http404(_("No signed result has this address."))
    return render(request, "portal/verification.html", {
        **_result_facts(result), "verdict": _stored_verdict(result),
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
    issued = (ResultDocument.objects.select_related("signer_agency", "procedure")
              .filter(sha256=verdict.sha256, state=ResultState.SIGNED).first())
    context: dict[str, Any] = {"form": VerifyUploadForm(), "verdict": verdict,
                               "uploaded": True}
    if issued is not None:
        context.update(_result_facts(issued))
    return render(request, "portal/verification.html", context)
