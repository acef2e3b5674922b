"""REST API v1: thin views per domain, each domain contributing its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("motcua.workcalendar.urls")),
    path("", include("motcua.org.urls")),
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.processing.urls")),
]
