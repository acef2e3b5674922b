from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from motcua.org.models import AdministrativeUnit, Agency, AgencyCodeChange, StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["username", "full_name", "national_id", "tax_code"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Motcua", {"fields": ("kind", "full_name", "national_id", "tax_code", "phone")}),
    )
    inlines = [StaffRoleInline]


class AgencyCodeChangeInline(admin.TabularInline):
    model = AgencyCodeChange
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [AgencyCodeChangeInline]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_folded"]
