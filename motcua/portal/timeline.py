"""A dossier's timeline in plain words, for its applicant: each event of the dossier
(dossiers.DossierEvent) as a sentence a citizen understands, without the codes of the
lifecycle. The staff's own steps (claiming, assigning, warnings, notices sent) stay out: they
tell the applicant nothing about their dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.formatting import format_dt, format_vnd
from motcua.dossiers.models import DossierEvent
from motcua.org.models import Agency
from motcua.web.timeline import Line

# action → (the sentence naming the agency, the sentence without one)
SENTENCES: dict[str, tuple[Promise, Promise]] = {
    "submit": (_("You submitted the dossier online."),
               _("You submitted the dossier online.")),
    "intake": (_("The dossier was handed in at %(agency)s."),
               _("The dossier was handed in at the counter.")),
    "accept": (_("The dossier was received at %(agency)s; the time for handling it counts "
                 "from now."),
               _("The dossier was received; the time for handling it counts from now.")),
    "receive": (_("The dossier was received at %(agency)s."), _("The dossier was received.")),
    "refuse": (_("%(agency)s refused to receive the dossier."),
               _("The dossier was refused at receipt.")),
    "request_supplement": (_("%(agency)s asked you to complete the dossier."),
                           _("You were asked to complete the dossier.")),
    "receive_supplement": (_("The documents that completed the dossier were received."),
                           _("The documents that completed the dossier were received.")),
    "start_processing": (_("%(agency)s started handling the dossier."),
                         _("Handling of the dossier started.")),
    "process_start": (_("%(agency)s started handling the dossier."),
                      _("Handling of the dossier started.")),
    "step_forward": (_("The dossier moved on to “%(to_step_name)s” at %(to_agency)s."),
                     _("The dossier moved on to “%(to_step_name)s”.")),
    "step_approve": (_("%(agency)s approved the dossier."), _("The dossier was approved.")),
    "step_sign": (_("%(agency)s signed the result."), _("The result was signed.")),
    "request_payment": (_("%(agency)s asked you to pay the fees and charges of "
                          "%(amount)s."),
                        _("You were asked to pay the fees and charges of %(amount)s.")),
    "confirm_payment": (_("Your payment was confirmed."), _("Your payment was confirmed.")),
    "pay_online": (_("You paid %(amount)s online."), _("You paid %(amount)s online.")),
    "send_interagency": (_("The dossier was sent to %(to_agency)s for its part."),
                         _("The dossier was sent to %(to_agency)s for its part.")),
    "return_interagency": (_("The dossier came back to the agency handling it."),
                           _("The dossier came back to the agency handling it.")),
    "route": (_("The dossier was sent to %(to_agency)s, the agency competent for it."),
              _("The dossier was sent to %(to_agency)s, the agency competent for it.")),
    "apologize": (_("%(agency)s apologised for the delay and gave you a new appointment: "
                    "%(new_appointment)s."),
                  _("You received an apology for the delay and a new appointment: "
                    "%(new_appointment)s.")),
    "mark_result_ready": (_("The result is ready at %(agency)s."), _("The result is ready.")),
    "refuse_on_merits": (_("%(agency)s refused to resolve the dossier, with its reasons: the "
                           "refusal is its result."),
                         _("The agency refused to resolve the dossier, with its reasons: the "
                           "refusal is its result.")),
    "return_result": (_("The result was returned to you by %(agency)s."),
                      _("The result was returned to you.")),
    "withdraw": (_("The dossier was withdrawn at your request."),
                 _("You withdrew the dossier.")),
    "request_withdrawal": (_("Your request to withdraw the dossier was recorded."),
                           _("You asked to withdraw the dossier.")),
    "grant_withdrawal": (_("%(agency)s granted the withdrawal: the dossier is withdrawn."),
                         _("The withdrawal was granted: the dossier is withdrawn.")),
    "request_stop": (_("A request to stop handling the dossier was recorded."),
                     _("A request to stop handling the dossier was recorded.")),
    "stop": (_("%(agency)s stopped handling the dossier."),
             _("Handling of the dossier was stopped.")),
    "decline_request": (_("%(agency)s declined the request."), _("The request was declined.")),
    "attach_file": (_("A file was added to the dossier: %(file)s."),
                    _("A file was added to the dossier: %(file)s.")),
    # records: digitization at the counter, a document of the data store asked for again
    "digitize": (_("%(agency)s digitized a document of the dossier (%(file)s); the electronic "
                   "copy is in its owner's data store."),
                 _("A document of the dossier was digitized (%(file)s); the electronic copy "
                   "is in its owner's data store.")),
    "ask_again": (_("%(agency)s asked you again for a document that your data store holds."),
                  _("You were asked again for a document that your data store holds.")),
    "result_signed": (_("%(agency)s signed the electronic result no. %(number)s."),
                      _("The electronic result no. %(number)s was signed.")),
}
# Whose reason the applicant reads under the sentence.
WITH_REASON = frozenset({"refuse", "request_supplement", "refuse_on_merits", "withdraw",
                         "request_withdrawal", "grant_withdrawal", "request_stop", "stop",
                         "decline_request", "apologize", "route", "ask_again"})


def _names(events: Iterable[DossierEvent]) -> dict[object, str]:
    """The agencies the events name, by id and by code, in one query."""
    ids = {e.agency_id for e in events if e.agency_id}
    codes = {e.data.get("to_agency") for e in events if e.data.get("to_agency")}
    names: dict[object, str] = {}
    if ids or codes:
        for pk, code, name in Agency.objects.filter(Q(pk__in=ids) | Q(code__in=codes)) \
                .values_list("pk", "code", "name"):
            names[pk] = names[code] = name
    return names


def _amount(value: object) -> str:
    return format_vnd(value) if isinstance(value, int) else "—"


def lines(events: list[DossierEvent]) -> list[Line]:
    """The applicant's timeline, oldest first."""
    names = _names(events)
    out = []
    for e in events:
        sentences = SENTENCES.get(e.action)
        if sentences is None:
            continue
        values = {
            "agency": names.get(e.agency_id, ""),
            "to_agency": names.get(e.data.get("to_agency"), e.data.get("to_agency") or ""),
            "to_step_name": e.data.get("to_step_name") or "",
            "file": e.data.get("file") or "",
            "number": e.data.get("number") or "",
            "amount": _amount(e.data.get("amount_vnd")),
            "new_appointment": _appointment(e.data.get("new_appointment")),
        }
        text = str(sentences[0] if values["agency"] else sentences[1]) % values
        out.append(Line(e.at, text, e.reason if e.action in WITH_REASON else ""))
    return out


def _appointment(value: object) -> str:
    if not isinstance(value, str):
        return "—"
    try:
        return format_dt(dt.datetime.fromisoformat(value))
    except ValueError:
        return value
