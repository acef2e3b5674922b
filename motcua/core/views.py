from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

from motcua.core.errors import NulInAddress, json_problem


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a suspicious operation),
    raised before any API view runs: problem+json under /api/, like every API error."""
    if request.path.startswith("/api/"):
        detail = ""
        if isinstance(exception, RequestDataTooBig):
            detail = _("The request body is too large.")
        elif isinstance(exception, NulInAddress):
            detail = _("The address holds a NUL character, which no code or value has.")
        return json_problem(request, 400, detail)
    return html_bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(request, 404)
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(request, 500)
    return html_server_error(request)
