from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.core.admin import HumanTextAdmin, HumanTextTabularInline
from motcua.core.errors import DomainError
from motcua.core.forms import HumanTextFormMixin, HumanTextModelForm
from motcua.org import actions
from motcua.org.models import AdministrativeUnit, Agency, AgencyCodeChange, StaffRole, User


class StaffRoleInline(HumanTextTabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["agency"]


# Django's user forms name auth.User in their Meta: bound here to org.User (its add page
# failed with "Manager isn't available"), with their own fields.
class UserChangeForm(HumanTextFormMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": auth_forms.UsernameField}


class UserCreationForm(HumanTextFormMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": auth_forms.UsernameField}


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "full_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["username", "full_name", "national_id", "tax_code"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Motcua", {"fields": ("kind", "full_name", "national_id", "tax_code", "phone")}),
    )
    inlines = [StaffRoleInline]
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Unlock sign-in (clear failed attempts from every address)"),
                  permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = cast(User, request.user)  # admin: staff only
        for user in queryset:
            actions.unlock_sign_in(user, actor=actor)
        self.message_user(request, ngettext(
            "Sign-in unlocked for %(count)d account.", "Sign-in unlocked for %(count)d accounts.",
            len(queryset)) % {"count": len(queryset)}, messages.SUCCESS)


class AgencyCodeChangeInline(HumanTextTabularInline):
    """Read-only: the history is written by changing the code (actions.change_agency_code)."""

    model = AgencyCodeChange
    extra = 0
    max_num = 0
    can_delete = False
    readonly_fields = ["old_code", "new_code", "changed_at", "reason"]


class AgencyForm(HumanTextModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "unit", "parent", "is_active"]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        try:
            actions.ensure_code_free(code, agency=self.instance if self.instance.pk else None)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        return code


@admin.register(Agency)
class AgencyAdmin(HumanTextAdmin):
    form = AgencyForm
    list_display = ["code", "name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["code", "name", "name_folded", "code_history__old_code"]
    autocomplete_fields = ["unit", "parent"]
    inlines = [AgencyCodeChangeInline]

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm,
                   change: bool) -> None:
        if change and "code" in form.changed_data:
            # Keep the history: save the other fields under the old code, then change it.
            new_code = obj.code
            obj.code = form.initial["code"]
            super().save_model(request, obj, form, change)
            actions.change_agency_code(obj, new_code, at=timezone.now(),
                                       reason=str(_("Changed in the admin site")),
                                       actor=cast(User, request.user))  # admin: staff only
        else:
            super().save_model(request, obj, form, change)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(HumanTextAdmin):
    list_display = ["code", "name", "level", "division_type", "parent"]
    list_filter = ["level", "division_type"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_folded"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["name_folded"]


@admin.register(StaffRole)
class StaffRoleAdmin(HumanTextAdmin):
    list_display = ["user", "role", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "user__full_name", "agency__code", "agency__name"]
    autocomplete_fields = ["user", "agency"]
