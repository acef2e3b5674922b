"""Messages to applicants when their dossier needs them or moves (DOMAIN.md §4: the apology
is sent by email/SMS/app message to online applicants; paper slips at the counter)."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.addresses import public_url
from motcua.core.formatting import format_dt_or_blank
from motcua.dossiers.models import Dossier

KINDS = ("received", "supplement", "refused", "apology", "result_ready", "refused_on_merits",
         "withdrawn", "stopped")


def compose(dossier: Dossier, kind: str) -> tuple[str, str]:
    """(subject, body) in the applicant's language: Vietnamese."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = {
            "received": _("Dossier %(code)s received"),
            "supplement": _("Dossier %(code)s: please complete your dossier"),
            "refused": _("Dossier %(code)s was not accepted"),
            "apology": _("Dossier %(code)s: apology and new appointment"),
            "result_ready": _("Dossier %(code)s: the result is ready"),
            "refused_on_merits": _("Dossier %(code)s: the agency refuses to resolve it"),
            "withdrawn": _("Dossier %(code)s was withdrawn at your request"),
            "stopped": _("Dossier %(code)s: processing was stopped"),
        }[kind] % {"code": dossier.code}
        lines = [
            _("Dear %(name)s,") % {"name": dossier.applicant_name},
            _("Procedure: %(name)s") % {"name": dossier.procedure_version.name},
            _("Status: %(status)s") % {"status": dossier.status_enum.label},
        ]
        if kind == "apology":
            apology = dossier.apology_slips.order_by("-issued_at").first()
            if apology:
                lines.append(_("We apologise: %(reason)s") % {"reason": apology.reason})
                lines.append(_("New appointment for the result: %(when)s")
                             % {"when": format_dt_or_blank(apology.new_due_at)})
        elif kind == "supplement":
            request = dossier.supplements.order_by("-requested_at").first()
            for item in request.items if request else []:
                note = f": {item['note']}" if item.get("note") else ""
                lines.append(f"- {item['name']}{note}")
        elif kind in ("refused_on_merits", "stopped"):
            decided = dossier.events.exclude(reason="").order_by("-at", "-id").first()
            if decided:
                lines.append(_("Reason: %(reason)s") % {"reason": decided.reason})
        elif kind == "received":
            lines.append(_("Appointment for the result: %(when)s")
                         % {"when": format_dt_or_blank(dossier.appointment_at)})
        lines.append(_("Track your dossier: %(url)s")
                     % {"url": public_url(f"/tra-cuu/{dossier.code}")})
    return subject, "\n".join(lines)


PHONE = re.compile(r"^(\+84|0)\d{9,10}$")


def sms_number(phone: str) -> str:
    """The phone as an SMS gateway takes it (spaces, dots and dashes dropped), or "" when it
    is not a Vietnamese number."""
    compact = re.sub(r"[\s.\-()]", "", phone or "")
    return compact if PHONE.match(compact) else ""


def compose_sms(dossier: Dossier, kind: str) -> str:
    """One short text: the subject and where to follow the dossier."""
    subject, _body = compose(dossier, kind)
    with translation.override(settings.LANGUAGE_CODE):
        return f"{subject}. " + _("Track: %(url)s") % {
            "url": public_url(f"/tra-cuu/{dossier.code}")}
