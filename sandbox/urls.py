"""The sandbox's addresses: one prefix per national system (each system's app adds its own
`path(...)` here), and the test controls under /_faults/."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "service": "sandbox of national systems"})


urlpatterns = [
    path("healthz", healthz),
    path("_faults/", include("sandbox.faults.urls")),
    path("tsa/", include("sandbox.tsa.urls")),
]
