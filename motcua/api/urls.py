"""REST API v1: thin views per domain, each domain contributing its routes."""

from django.urls import include, path

urlpatterns = [  # the busiest first (see motcua/urls.py); no two share a route
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.processing.urls")),
    path("", include("motcua.notifications.urls")),
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.org.urls")),
    path("", include("motcua.workcalendar.urls")),
    path("", include("motcua.reporting.urls")),
    path("", include("motcua.petitions.urls")),
]
