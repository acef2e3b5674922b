"""Admin pieces shared by every domain: what an administrator types is checked like what the
API receives (issue 9: one validator for the API, the admin and the web forms)."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.forms import HumanTextModelForm


class HumanTextAdmin(admin.ModelAdmin):
    form = HumanTextModelForm


class HumanTextTabularInline(admin.TabularInline):
    form = HumanTextModelForm
