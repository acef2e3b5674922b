"""The commune picker of the online submission: the province, then its commune or ward, for
the applicant's residence and the e-forms' commune fields (catalog.eforms, type "commune")."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.dossiers.routing import find_commune
from motcua.org.models import AdministrativeUnit
from motcua.portal.submission import home_province

# A no-JS page shows the communes of another province when this button is pressed.
REFRESH = "_refresh"


class CommuneWidget(forms.MultiWidget):
    """Two lists, the province and its communes (the province of the deployment at first).
    With scripts, choosing a province reloads the communes (web/assets/js/submission.mjs);
    without, a button shows them (REFRESH)."""

    template_name = "portal/widgets/commune.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.Select(attrs={"class": "govuk-select"}),
                          forms.Select(attrs={"class": "govuk-select"})], attrs)

    def decompress(self, value: Any) -> list[Any]:
        unit = find_commune(str(value)) if value else None
        return [unit.province().code if unit else None, value or None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None
                    ) -> dict[str, Any]:
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        province = value[0] or (home.code if (home := home_province()) else None)
        provinces = AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.PROVINCE).order_by("name")
        province_widget, commune_widget = (cast(forms.Select, w) for w in self.widgets)
        province_widget.choices = [(p.code, p.name) for p in provinces]
        commune_widget.choices = commune_choices(province)
        context = super().get_context(name, [province, value[1] if len(value) > 1 else None],
                                      attrs)
        subwidgets = context["widget"]["subwidgets"]
        subwidgets[0]["attrs"].update({
            "data-communes-url": reverse("portal:communes"),
            "data-communes-target": subwidgets[1]["attrs"].get("id", ""),
        })
        context["widget"]["refresh"] = REFRESH
        return context


def commune_choices(province_code: str | None) -> list[tuple[str, str]]:
    communes = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.COMMUNE, parent__code=province_code
    ).order_by("name") if province_code else AdministrativeUnit.objects.none()
    return [("", _("Choose a commune or ward")), *((c.code, c.name) for c in communes)]


def commune_code(value: Any) -> str:
    """The commune a picker's value names (its second list), or the code itself."""
    if isinstance(value, list | tuple):
        value = value[1] if len(value) > 1 else ""
    return str(value or "").strip()


def commune_exists(code: str) -> bool:
    return find_commune(code) is not None


class CommuneField(forms.Field):
    """A commune chosen with the picker: its code."""

    widget = CommuneWidget

    def to_python(self, value: Any) -> str:
        return commune_code(value)
