"""Consumer systems of the data-sharing API in the administration pages (registered by the
app's AppConfig.ready).

An administrator adds a consumer (its services, calls per minute, reach), and the page that
follows shows its client id and secret once; "Issue new credentials" does the same for
existing ones (the old credentials and tokens stop working), "Revoke credentials" takes them
away. The secret is never stored in clear, so it cannot be shown again. Consumers are
deactivated, never deleted: the exchange log names them.

The django-oauth-toolkit models (applications, tokens, grants) are not shown: the consumers
page is the one place their credentials are managed, and the toolkit's pages would show only
hashes and checksums, untranslated.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from motcua.core.audit import record
from motcua.core.forms import HumanTextModelForm
from motcua.integration import consumers
from motcua.integration.models import ConsumerSystem, Scope

for toolkit_model in (Application, AccessToken, Grant, IDToken, RefreshToken):
    if admin.site.is_registered(toolkit_model):
        admin.site.unregister(toolkit_model)


class ConsumerForm(HumanTextModelForm):
    services = forms.MultipleChoiceField(
        label=_("services"), choices=Scope.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The services of the data-sharing API the system may call."))

    class Meta:
        model = ConsumerSystem
        fields = ["code", "name", "agency_name", "contact_name", "contact_email",
                  "contact_phone", "services", "rate_limit_per_minute", "agencies",
                  "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["services"] = sorted(self.instance.scope_set)

    def clean_services(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("services") or []
        return chosen

    def save(self, commit: bool = True) -> ConsumerSystem:
        self.instance.scopes = " ".join(
            s for s in Scope.values if s in set(self.cleaned_data.get("services") or []))
        consumer: ConsumerSystem = super().save(commit)
        return consumer


def credentials_page(request: HttpRequest, issued: list[tuple[ConsumerSystem,
                                                               consumers.Credentials]]
                     ) -> HttpResponse:
    """The one page that shows new secrets: never cached, never kept."""
    response = TemplateResponse(request, "integration/admin/consumer_credentials.html", {
        **admin.site.each_context(request), "title": _("New credentials"), "issued": issued,
        "opts": ConsumerSystem._meta})
    response["Cache-Control"] = "no-store"
    return response


@admin.register(ConsumerSystem)
class ConsumerSystemAdmin(admin.ModelAdmin):
    form = ConsumerForm
    list_display = ["code", "name", "agency_name", "services", "rate_limit_per_minute",
                    "is_active", "client_id", "credentials_issued_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "agency_name", "application__client_id"]
    list_select_related = ["application"]
    autocomplete_fields = ["agencies"]
    readonly_fields = ["client_id", "credentials_issued_at", "created_at"]
    actions = ["issue_new_credentials", "revoke_all_credentials"]

    @admin.display(description=_("services"))
    def services(self, consumer: ConsumerSystem) -> str:
        return ", ".join(str(Scope(s).label) for s in Scope.values if s in consumer.scope_set)

    @admin.display(description=_("client id"))
    def client_id(self, consumer: ConsumerSystem) -> str:
        return consumer.client_id or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the exchange log names the consumer

    def save_model(self, request: HttpRequest, obj: ConsumerSystem, form: forms.ModelForm,
                   change: bool) -> None:
        before = ConsumerSystem.objects.filter(pk=obj.pk).values_list(
            "scopes", "is_active").first() if change else None
        super().save_model(request, obj, form, change)
        if before is not None and before != (obj.scopes, obj.is_active):
            # the next token carries the new services (a taken one is refused at once anyway)
            consumers.revoke_tokens(obj)
        record(request.user, "sharing.consumer.change" if change else "sharing.consumer.create",
               obj, scopes=obj.scopes, rate=obj.rate_limit_per_minute, active=obj.is_active)

    def response_add(self, request: HttpRequest, obj: ConsumerSystem,
                     post_url_continue: str | None = None) -> HttpResponse:
        credentials = consumers.issue_credentials(obj, actor=request.user)  # type: ignore[arg-type]
        return credentials_page(request, [(obj, credentials)])

    @admin.action(description=_("Issue new credentials (the old ones stop working)"))
    def issue_new_credentials(self, request: HttpRequest,
                              queryset: QuerySet[ConsumerSystem]) -> HttpResponse:
        issued = [(c, consumers.issue_credentials(c, actor=request.user))  # type: ignore[arg-type]
                  for c in queryset.order_by("code")]
        return credentials_page(request, issued)

    @admin.action(description=_("Revoke credentials (calls are refused at once)"))
    def revoke_all_credentials(self, request: HttpRequest,
                               queryset: QuerySet[ConsumerSystem]) -> None:
        revoked = sum(consumers.revoke_credentials(c, actor=request.user)  # type: ignore[arg-type]
                      for c in queryset)
        self.message_user(request, ngettext(
            "The credentials of %(count)d system were revoked.",
            "The credentials of %(count)d systems were revoked.", revoked) % {"count": revoked},
            messages.SUCCESS)
