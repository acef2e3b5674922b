"""Inbound endpoints of the national systems (server to server)."""

from django.urls import path

from motcua.integration import payments_views

app_name = "integration"
urlpatterns = [
    path("payments/callback", payments_views.callback, name="payment-callback"),
]
