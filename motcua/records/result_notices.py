"""The applicant's notice that their electronic result is signed (subscribed to ResultSigned in
apps.py): its number and title, that it is in their data store, and where to read it (the
store, the dossier's page) and check it (the public verification page). On the channels of
every applicant notice (notifications.applicants: email, SMS only when "result_signed" is in
settings.NOTIFICATION_SMS_KINDS, which it is not by default since the "result ready" text
went just before, the citizen app for online filers).

Written in the signing's transaction under its "result_signed" timeline event: a failed
signing sends nothing, and a result signs once (sign_result returns a signed one as it is;
the delivery rows are unique per cause, channel and recipient)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.addresses import public_url
from motcua.core.formatting import format_dt_or_blank
from motcua.dossiers.models import Dossier
from motcua.notifications import delivery
from motcua.notifications.applicants import queue_notice
from motcua.records.events import ResultSigned
from motcua.records.models import ResultDocument
from motcua.records.results_pdf import verification_url

KIND = "result_signed"


def in_store(result: ResultDocument) -> bool:
    """Whether the result went to its owner's store (results.to_store: an ID number or tax
    code to key it by)."""
    return bool(result.owner_id_number or result.owner_tax_code)


def compose(result: ResultDocument, d: Dossier) -> tuple[str, str, str]:
    """(subject, body, SMS text) in the applicants' language (as notifications.messages)."""
    dossier_url = public_url(reverse("portal:dossier", kwargs={"code": d.code}))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Dossier %(code)s: your electronic result is signed") % {"code": d.code}
        lines = [
            _("Dear %(name)s,") % {"name": d.applicant_name},
            _("Procedure: %(name)s") % {"name": d.procedure_version.name},
            _("Your electronic result is signed: %(title)s, no. %(number)s, by %(agency)s "
              "at %(when)s.")
            % {"title": result.title or result.get_kind_display(), "number": result.number,
               "agency": result.signer_agency.name,
               "when": format_dt_or_blank(result.signed_at)},
        ]
        if result.valid_until is not None:
            lines.append(_("Valid until %(date)s.")
                         % {"date": result.valid_until.strftime("%d/%m/%Y")})
        if in_store(result):
            lines.append(_("It is in your data store, to reuse in your next dossiers: %(url)s")
                         % {"url": public_url(reverse("portal:my-store"))})
        lines.append(_("Download it from your dossier's page: %(url)s") % {"url": dossier_url})
        lines.append(_("Anyone you show it to can check it on the verification page: "
                       "%(url)s") % {"url": verification_url(result)})
        sms = f"{subject}. " + _("Download: %(url)s") % {"url": dossier_url}
    return subject, "\n".join(lines), sms


def queue_signed_notice(event: ResultSigned) -> None:
    result = event.result
    d = result.dossier
    subject, body, sms = compose(result, d)
    queue_notice(d, kind=KIND, cause=delivery.timeline_cause(event.timeline.pk),
                 subject=subject, body=body, sms=lambda: sms, now=event.at)
