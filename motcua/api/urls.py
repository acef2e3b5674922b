"""REST API v1: thin views per domain, each domain contributing its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("motcua.workcalendar.urls")),
]
