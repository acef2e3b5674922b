"""Signed electronic results on the staff dossier page: download (staff who may see the
dossier) and the leader's "sign the result" (records.results.sign_now: a leader or head of the
competent agency, once the result is ready; issues the result first when the dossier has
none). The page's block is templates/workspace/includes/signed_results.html."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.records import results, signing
from motcua.workspace.access import staff_member, staff_required
from motcua.workspace.pages import visible


@staff_required
def download(request: HttpRequest, code: str, public_id: UUID) -> FileResponse:
    try:
        result = results.readable_result(staff_member(request), code, str(public_id))
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    filename = results.file_name(result)
    return FileResponse(result.file.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")


@require_POST
@staff_required
def sign(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request)
    dossier = visible(user, code)
    try:
        result = results.sign_now(dossier, user)
    except NotAllowed as exc:  # the 403 page with its reason
        raise PermissionDenied(exc.detail) from exc
    except DomainError as exc:  # not ready
        messages.error(request, _("The result was not signed: %(why)s") % {"why": exc.detail})
    except signing.SigningFailed as exc:
        messages.error(request, _("The result was not signed: %(why)s") % {"why": exc})
    else:
        messages.success(request, _("Result %(number)s is signed and issued.")
                         % {"number": result.number})
    return redirect("workspace:dossier", code=dossier.code)
