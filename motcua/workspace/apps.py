from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The staff workspace: the pages officers, specialists, heads and leaders do their day's
    work in. Each page reads through a domain app's selectors and runs the same action, under
    the same policy, as the API (dossiers.lifecycle, processing.actions)."""

    name = "motcua.workspace"
    label = "workspace"
