"""The owner's download of a signed electronic result (and of anyone the dossier's policy lets
read it): the same 404 as for a dossier one may not see."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from motcua.core.errors import NotFound
from motcua.records.results import file_name, readable_result


@login_required
def download(request: HttpRequest, code: str, public_id: UUID) -> FileResponse:
    try:
        result = readable_result(request.user, code, str(public_id))
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return FileResponse(result.file.open("rb"), as_attachment=True, filename=file_name(result),
                        content_type="application/pdf")
