from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "motcua.org"
    label = "org"
