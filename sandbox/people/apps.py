from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The national population database, business registry, civil-status and judicial-record
    registries, with generated people of the demo province."""

    name = "sandbox.people"
    label = "people"
