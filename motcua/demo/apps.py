from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province (`manage.py load_demo`): the top layer, importing any app; no app
    imports it."""

    name = "motcua.demo"
    label = "demo"
