"""Template tags of the layout and of every page: the portal's name, the current navigation
item, durations and dossier statuses in words, and the design system's tag colours."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from motcua.catalog.models import DurationUnit, NationalSource
from motcua.dossiers.models import ComponentSource, DossierComponent, Status

register = template.Library()


@register.simple_tag
def portal_name() -> str:
    """The site's name, with the province of the deployment (settings.PORTAL_PROVINCE)."""
    return _("%(province)s Public Service Portal") % {"province": settings.PORTAL_PROVINCE}


@register.filter
def national_origin(component: DossierComponent) -> str:
    """"Taken from <the database>" for a component taken from a national database (its
    reference names the database: integration.national_documents), else ""."""
    if component.source != ComponentSource.NATIONAL:
        return ""
    source = component.reference.partition(":")[0]
    if source in NationalSource.values:
        return _("Taken from the %(database)s") % {
            "database": str(NationalSource(source).label)}
    return _("Taken from a national database")


@register.simple_tag
def province() -> str:
    return str(settings.PORTAL_PROVINCE)


@register.simple_tag
def language_choices() -> list[dict[str, str]]:
    """settings.LANGUAGES, each named in its own language, in NFC (Django spells "Tiếng Việt"
    with combining marks, which a search or a test typing the word does not match)."""
    return [
        {"code": code,
         "name": unicodedata.normalize("NFC", get_language_info(code)["name_local"])}
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def is_current(context: template.Context, *view_names: str) -> bool:
    """Whether the page being rendered is one of these views (for aria-current in menus)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return bool(match and match.view_name in view_names)


@register.simple_tag
def page_links(page: Page[Any]) -> list[int | str]:
    """The page numbers to link from `page`: the first, the last, the neighbours, and
    Paginator.ELLIPSIS between them."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag
def duration(value: int | None, unit: str) -> str:
    """A legal duration in words: "3 ngày làm việc", "Trong ngày làm việc"; "" when unknown."""
    if not value or not unit:
        return ""
    if unit == DurationUnit.SAME_DAY:
        return _("Within the working day") if value == 1 else ngettext(
            "%(n)d working day", "%(n)d working days", value) % {"n": value}
    if unit == DurationUnit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", value) % {"n": value}
    if unit == DurationUnit.WORKING_HOURS:
        return ngettext("%(n)d working hour", "%(n)d working hours", value) % {"n": value}
    if unit == DurationUnit.CALENDAR_DAYS:
        return ngettext("%(n)d day", "%(n)d days", value) % {"n": value}
    return f"{value} {unit}"


# The design system's tag colours by dossier status: blue while waiting for the agency, yellow
# when the applicant must act, red when it ended without a result, green with a result.
STATUS_TAG = {
    Status.INTEROPERATING: "govuk-tag--light-blue",
    Status.SUBMITTED: "govuk-tag--blue",
    Status.RECEIVED: "govuk-tag--light-blue",
    Status.REFUSED: "govuk-tag--red",
    Status.PROCESSING: "govuk-tag--light-blue",
    Status.SUPPLEMENT: "govuk-tag--yellow",
    Status.PAYING: "govuk-tag--yellow",
    Status.WITHDRAWN: "govuk-tag--grey",
    Status.STOPPED: "govuk-tag--red",
    Status.RESULT_READY: "govuk-tag--green",
    Status.RETURNED: "govuk-tag--grey",
}


@register.filter
def status_tag(status: Any) -> str:
    """The tag class of a dossier status (a Status, its number, or a {"code": n} payload)."""
    code = status.get("code") if isinstance(status, dict) else status
    if code is None:
        return "govuk-tag--grey"
    try:
        return STATUS_TAG.get(Status(int(code)), "govuk-tag--grey")
    except (TypeError, ValueError):
        return "govuk-tag--grey"
