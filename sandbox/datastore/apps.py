from django.apps import AppConfig


class DataStoreConfig(AppConfig):
    """The national personal data store's receiver of signed electronic results."""

    name = "sandbox.datastore"
    label = "datastore"
    default_auto_field = "django.db.models.BigAutoField"
