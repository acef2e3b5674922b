from django.apps import AppConfig


class FaultsConfig(AppConfig):
    name = "sandbox.faults"
    default_auto_field = "django.db.models.BigAutoField"
