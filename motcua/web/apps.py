from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web pages' common ground: the design system build, the layout, forms in the design
    system's markup, sign-in and sign-out, the error pages. The citizen portal and the staff
    workspace build their pages on it; it knows none of their pages."""

    name = "motcua.web"
    label = "web"
