from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"

    def ready(self) -> None:
        from motcua.core import housekeeping
        from motcua.portal import drafts

        housekeeping.register("submission_drafts", drafts.prune)
