"""Consumer systems: other agencies' software that calls Motcua's data-sharing API (the LGSP
role, DOMAIN.md §7: "every exchange is authenticated, authorised per consumer and service, and
logged").

Each consumer has its own OAuth 2.0 client (django-oauth-toolkit's Application, client
credentials grant): its secret is kept only as a password hash, its access tokens only as a
SHA-256 checksum (settings.OAUTH2_PROVIDER). The scopes name the services it may call; the
reach, when set, the agencies whose dossiers it may ask about; the rate limit, how many calls
it may make a minute. Credentials are issued and revoked by `integration.consumers`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import APPLICATION_MODEL

from motcua.org.models import Agency


class Scope(models.TextChoices):
    """The services of the data-sharing API (OAuth 2.0 scopes)."""

    CATALOGUE = "catalogue", _("Procedure catalogue")
    DOSSIER_STATUS = "dossier-status", _("Dossier status (with the applicant)")
    RESULTS = "results", _("Dossier results (signed documents)")
    STATISTICS = "statistics", _("Statistics and the service-quality index")


MAX_RATE_PER_MINUTE = 100_000


class ConsumerSystem(models.Model):
    code = models.CharField(
        _("code"), max_length=40, unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$",
                                   _("Lower-case letters, digits and hyphens only."))],
        help_text=_("A short name of the system, e.g. stp-hotich."))
    name = models.CharField(_("system"), max_length=200,
                            help_text=_("The calling system, as people know it."))
    agency_name = models.CharField(_("agency"), max_length=255,
                                   help_text=_("The agency that runs the system and answers "
                                               "for its use of the data."))
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # the granted scopes, space-separated as OAuth 2.0 writes them
    scopes = models.CharField(_("services"), max_length=200, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("calls per minute"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_PER_MINUTE)])
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("reach"),
        help_text=_("The system may ask only about dossiers received or handled by these "
                    "agencies. None: every dossier of the province."))
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("An inactive system is refused at once, its tokens included."))
    application = models.OneToOneField(
        APPLICATION_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consumer", editable=False, verbose_name=_("OAuth 2.0 client"))
    credentials_issued_at = models.DateTimeField(_("credentials issued"), null=True,
                                                 blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("consumer system")
        verbose_name_plural = _("consumer systems")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_name})"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def client_id(self) -> str:
        return self.application.client_id if self.application else ""
