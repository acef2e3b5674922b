"""The petitioner's notice when the agency handles their petition (answers it, refuses to
handle it, or asks for more information): an email through the notifications app's delivery
rows (`notifications.delivery.queue`, sent by `manage.py deliver`), written in the handling
action's transaction. The petitions app sits above notifications, so it queues the row itself.

The address: the petitioner's account's email, else the email given on the dossier the
petition is about, when it is theirs (they may read it). Without either, nothing is queued:
the portal's "My petitions" shows the answer all the same."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.addresses import public_url
from motcua.core.formatting import format_dt_or_blank
from motcua.dossiers import policy as dossier_policy
from motcua.notifications import delivery
from motcua.notifications.models import Channel
from motcua.petitions.models import Outcome, Petition

KINDS = {Outcome.ANSWER: "petition_answered", Outcome.REFUSE: "petition_refused",
         Outcome.CLARIFY: "petition_clarify"}


def address_of(p: Petition) -> str:
    if p.petitioner.email:
        return str(p.petitioner.email)
    d = p.dossier
    if d is not None and d.applicant_email and dossier_policy.can_read(p.petitioner, d):
        return str(d.applicant_email)
    return ""


def compose(p: Petition, outcome: str) -> tuple[str, str]:
    """(subject, body) in Vietnamese, the applicants' language (as notifications.messages)."""
    with translation.override(settings.LANGUAGE_CODE):
        n = {"n": p.pk}
        subject = {
            Outcome.ANSWER: _("Petition no. %(n)s: the agency answered"),
            Outcome.REFUSE: _("Petition no. %(n)s: the agency refuses to handle it"),
            Outcome.CLARIFY: _("Petition no. %(n)s: the agency asks for more information"),
        }[Outcome(outcome)] % n
        lines = [_("Dear %(name)s,") % {"name": p.petitioner.get_full_name()
                                        or p.petitioner.username}]
        if p.dossier is not None:
            lines.append(_("About dossier %(code)s.") % {"code": p.dossier.code})
        if outcome == Outcome.CLARIFY:
            lines.append(_("Information asked for: %(text)s") % {"text": p.question})
        elif outcome == Outcome.REFUSE:
            lines.append(_("Reason: %(reason)s") % {"reason": p.answer})
        else:
            lines.append(_("Answer: %(text)s") % {"text": p.answer})
        lines.append(_("Handled on %(when)s by %(agency)s.")
                     % {"when": format_dt_or_blank(p.handled_at or p.asked_at),
                        "agency": p.agency.name})
        url = public_url(reverse("portal:petition", kwargs={"petition_id": p.pk}))
        lines.append(_("See it and say whether it satisfied you: %(url)s") % {"url": url})
    return subject, "\n".join(lines)


def queue_handled_notice(p: Petition, outcome: str) -> None:
    """Queue the email of the petition's handling (in the caller's transaction). One per
    petition and outcome: a replay writes nothing more."""
    recipient = address_of(p)
    if not recipient:
        return
    subject, body = compose(p, outcome)
    now = p.asked_at if outcome == Outcome.CLARIFY else p.handled_at
    assert now is not None  # noqa: S101 - set by answer_petition before it calls this
    delivery.queue(channel=Channel.EMAIL, recipient=recipient, kind=KINDS[Outcome(outcome)],
                   cause=f"petition:{p.pk}:{outcome}", subject=subject, body=body, now=now,
                   user=p.petitioner)
