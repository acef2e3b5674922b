"""The sandbox's addresses: one prefix per national system (each system's app adds its own
`path(...)` here), and the test controls under /_faults/."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from sandbox.idp import views as idp
from sandbox.people import urls as people


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "service": "sandbox of national systems"})


urlpatterns = [
    path("healthz", healthz),
    path("_faults/", include("sandbox.faults.urls")),
    path("population/", include((people.population, "population"))),
    path("business/", include((people.business, "business"))),
    path("civil-status/", include((people.civil_status, "civil-status"))),
    path("judicial/", include((people.judicial, "judicial"))),
    path("idp/login/", idp.sign_in, name="idp-sign-in"),
    path("idp/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("portal/", include("sandbox.portal.urls")),
    path("payments/", include("sandbox.payments.urls")),
    path("gateways/", include("sandbox.gateways.urls")),
    path("tsa/", include("sandbox.tsa.urls")),
    path("datastore/", include("sandbox.datastore.urls")),
]
