from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Ratings of finished dossiers and petitions ("phản ánh, kiến nghị") to the competent
    agency, answered on the legal clock; both feed the index's satisfaction group (reporting
    subscribes to `petitions.events`)."""

    name = "motcua.petitions"
    label = "petitions"
    verbose_name = _("Ratings and petitions")
