from django.apps import AppConfig


class TsaConfig(AppConfig):
    """The time-stamping service (RFC 3161) that signed results take their time stamp from."""

    name = "sandbox.tsa"
    label = "sandbox_tsa"
