from django.apps import AppConfig


class IdpConfig(AppConfig):
    """VNeID's OpenID Connect provider (django-oauth-toolkit), with a sign-in page where a
    generated citizen signs in with their ID number."""

    name = "sandbox.idp"
    label = "idp"
