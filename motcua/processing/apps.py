from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "motcua.processing"
    label = "processing"
