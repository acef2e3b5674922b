from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from motcua.core.request_cache import forget


def _roles_changed(**_kwargs: Any) -> None:
    """A role or an agency saved or deleted in this request counts at once in its checks
    (selectors.held_roles reads the roles once per request)."""
    forget()


class OrgConfig(AppConfig):
    name = "motcua.org"
    label = "org"

    def ready(self) -> None:
        for model in ("StaffRole", "Agency", "User"):
            sender = self.get_model(model)
            post_save.connect(_roles_changed, sender=sender, dispatch_uid=f"roles-{model}")
            post_delete.connect(_roles_changed, sender=sender, dispatch_uid=f"roles-{model}")
