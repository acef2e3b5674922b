from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """The data-sharing API: other agencies' systems read the catalogue, dossiers' status and
    results, and the statistics (the provincial data-sharing platform's role, LGSP)."""

    name = "motcua.sharing"
    verbose_name = _("Data sharing")

    def ready(self) -> None:
        # the OpenAPI security scheme of the consumers' tokens (a drf-spectacular extension)
        from motcua.sharing import authentication  # noqa: F401
