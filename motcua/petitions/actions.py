"""Every change to ratings and petitions: one atomic transaction, an audit row and one domain
event (`petitions.events`) that the index subscribes to. Callers (the API, the web pages)
check the policy first (`petitions.policy`) and pass `now` only in tests.

- `rate_dossier`: the applicant rates a finished dossier, once.
- `file_petition`: a citizen files a petition about a dossier or a procedure; it goes to the
  competent agency, which handles it on the legal clock (`rules`).
- `answer_petition`: the agency answers it, refuses to handle it, or asks for more
  information (once); the petitioner is told by email (`notices`).
- `add_information`: the petitioner gives the information asked for; the clock counts again.
- `rate_answer`: the petitioner says whether the answer satisfied them, once.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.audit import record
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.events import publish
from motcua.dossiers.models import Dossier
from motcua.dossiers.routing import candidate_agencies
from motcua.org.models import Agency, User
from motcua.petitions import rules
from motcua.petitions.events import (
    DossierRated,
    PetitionChanged,
    PetitionFiled,
    PetitionHandled,
    PetitionRated,
)
from motcua.petitions.models import (
    HANDLED_STATUSES,
    OPEN_STATUSES,
    Outcome,
    Petition,
    Rating,
    Satisfaction,
    Topic,
)
from motcua.petitions.notices import queue_handled_notice
from motcua.workcalendar.service import get_calendar

MAX_TEXT = 5000  # characters of a petition, an answer, a reason


def _text(value: str | None, code: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, code=code, field=code)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": MAX_TEXT}, code=code,
                           field=code)
    return text


# --- ratings of dossiers ------------------------------------------------------------------


def rate_dossier(dossier: Dossier, user: User, *, satisfied: bool, reason: str = "",
                 now: dt.datetime | None = None) -> Rating:
    """The applicant's rating of a finished dossier (policy.require_rate_dossier first): the
    reason is required when dissatisfied. A second rating by the same person is refused."""
    now = now or timezone.now()
    reason = _text(reason, "reason", _("Say why you are dissatisfied.")) \
        if not satisfied or (reason or "").strip() else ""
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, by=user, disliked=not satisfied,
                                           reason=reason, rated_at=now)
            record(user, "dossier.rated", dossier, disliked=not satisfied)
            publish(DossierRated(rating=rating, at=now))
    except IntegrityError:  # the unique rating per dossier and person
        raise DomainError(_("You have already rated this dossier; a rating is final."),
                          code="already_rated") from None
    return rating


# --- petitions ----------------------------------------------------------------------------


def file_petition(petitioner: User, *, text: str, topic: str, dossier: Dossier | None = None,
                  procedure: Procedure | None = None, agency: Agency | None = None,
                  now: dt.datetime | None = None) -> Petition:
    """A petition about `dossier` (to its handling agency) or about `procedure` (to `agency`,
    one of those competent for it; optional when only one is). The caller checked that the
    petitioner may read the dossier (policy.can_petition_about). While an earlier petition of
    the same petitioner on the same matter is open, another one is refused; after it was
    handled, the new one is marked as repeating it."""
    now = now or timezone.now()
    text = _text(text, "text", _("Write your petition."))
    if topic not in Topic.values:
        raise InvalidInput(_("Choose what the petition is about."), code="topic", field="topic")
    if dossier is not None:
        procedure, agency = dossier.procedure, dossier.handling_agency
    elif procedure is None:
        raise InvalidInput(_("Name the dossier or the procedure the petition is about."),
                           code="subject", field="procedure_code")
    else:
        agency = _competent(procedure, agency, now)
    with transaction.atomic():
        # one filing of a petitioner at a time: the check of an open petition holds
        User.objects.select_for_update().filter(pk=petitioner.pk).first()
        earlier = _same_matter(petitioner, dossier, procedure, agency).order_by(
            "-received_at", "-pk").first()
        if earlier is not None and earlier.status in OPEN_STATUSES:
            raise DomainError(
                _("Your petition no. %(n)s on this matter is still being handled: add to it "
                  "when the agency asks, or wait for its answer.") % {"n": earlier.pk},
                code="petition_open", petition=earlier.pk)
        clock = rules.deadlines(now, get_calendar())
        petition = Petition.objects.create(
            petitioner=petitioner, dossier=dossier, procedure=procedure, agency=agency,
            topic=topic, text=text, received_at=now, counted_from=now, deadline=clock.handle,
            repeated=earlier is not None, repeats=earlier)
        record(petitioner, "petition.filed", petition, agency=agency.code,
               dossier=dossier.code if dossier else None, repeated=petition.repeated)
        publish(PetitionFiled(petition=petition, action="file_petition", actor=petitioner,
                              at=now))
    return petition


def _competent(procedure: Procedure, agency: Agency | None, now: dt.datetime) -> Agency:
    version = procedure.version_on(timezone.localdate(now)) or \
        procedure.versions.order_by("-effective_from").first()
    candidates = candidate_agencies(version) if version is not None else []
    if agency is None and len(candidates) == 1:
        return candidates[0]
    if agency is None:
        raise InvalidInput(_("Choose the agency the petition is for."), code="agency",
                           field="agency_code")
    if agency.pk not in {a.pk for a in candidates}:
        raise InvalidInput(_("%(agency)s is not competent for this procedure.")
                           % {"agency": agency.name}, code="agency", field="agency_code")
    return agency


def _same_matter(petitioner: User, dossier: Dossier | None, procedure: Procedure,
                 agency: Agency) -> QuerySet[Petition]:
    """The petitioner's petitions on the same matter: the same dossier, or the same procedure
    at the same agency (not about a dossier)."""
    qs = Petition.objects.filter(petitioner=petitioner)
    if dossier is not None:
        return qs.filter(dossier=dossier)
    return qs.filter(Q(dossier__isnull=True), procedure=procedure, agency=agency)


def lock(petition: Petition | int) -> Petition:
    pk = petition.pk if isinstance(petition, Petition) else petition
    return Petition.objects.select_for_update().get(pk=pk)


def answer_petition(petition: Petition, actor: User, *, outcome: str, text: str,
                    now: dt.datetime | None = None) -> Petition:
    """The competent agency handles an open petition (policy.require_answer first): answers
    it, refuses to handle it (with the reason; within 2 working days, else it counts late),
    or asks the petitioner for more information (once; within 5 working days, else late)."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose what to do with the petition."), code="outcome",
                           field="outcome")
    text = _text(text, "text", {
        Outcome.ANSWER: _("Write the answer."), Outcome.REFUSE: _("Give the reason."),
        Outcome.CLARIFY: _("Say what information is needed."),
    }[Outcome(outcome)])
    with transaction.atomic():
        p = lock(petition)
        if p.status != Petition.Status.OPEN:
            raise DomainError(_("This petition is not waiting for the agency: it is “%(status)s”.")
                              % {"status": p.get_status_display()}, code="petition_not_open",
                              status=p.status)
        clock = rules.deadlines(p.counted_from, get_calendar())
        if outcome == Outcome.CLARIFY:
            if p.asked_at is not None:
                raise DomainError(_("More information was asked for once already: answer the "
                                    "petition or refuse it."), code="clarify_once")
            p.status, p.question, p.asked_at = Petition.Status.WAITING, text, now
            late = now > clock.clarify
        else:
            p.status = Petition.Status.ANSWERED if outcome == Outcome.ANSWER \
                else Petition.Status.REFUSED
            p.answer, p.answered_by, p.handled_at = text, actor, now
            late = outcome == Outcome.REFUSE and now > clock.refuse
        if late and p.late_since is None:
            p.late_since = now
        p.save()
        record(actor, "petition.handled", p, outcome=outcome, late=late)
        queue_handled_notice(p, outcome)
        publish(PetitionHandled(petition=p, action="answer_petition", actor=actor, at=now,
                                outcome=outcome))
    return p


def add_information(petition: Petition, petitioner: User, *, text: str,
                    now: dt.datetime | None = None) -> Petition:
    """The petitioner gives the information asked for (policy.require_petitioner first): the
    petition is complete and the agency's 15 working days count from now."""
    now = now or timezone.now()
    text = _text(text, "text", _("Write the information asked for."))
    with transaction.atomic():
        p = lock(petition)
        if p.status != Petition.Status.WAITING:
            raise DomainError(_("The agency has not asked for more information."),
                              code="not_waiting")
        p.information, p.informed_at, p.status = text, now, Petition.Status.OPEN
        p.counted_from, p.deadline = now, rules.deadlines(now, get_calendar()).handle
        p.save()
        record(petitioner, "petition.completed", p)
        publish(PetitionChanged(petition=p, action="add_information", actor=petitioner,
                                at=now))
    return p


def rate_answer(petition: Petition, petitioner: User, *, satisfied: bool,
                now: dt.datetime | None = None) -> Petition:
    """The petitioner says whether the handling satisfied them (policy.require_petitioner
    first): once, after the answer or the refusal."""
    now = now or timezone.now()
    with transaction.atomic():
        p = lock(petition)
        if p.status not in HANDLED_STATUSES:
            raise DomainError(_("The petition has no answer to rate yet."), code="not_answered")
        if p.rating:
            raise DomainError(_("You have already rated this answer; a rating is final."),
                              code="already_rated")
        p.rating = Satisfaction.SATISFIED if satisfied else Satisfaction.DISSATISFIED
        p.rated_at = now
        p.save(update_fields=["rating", "rated_at"])
        record(petitioner, "petition.rated", p, rating=p.rating)
        publish(PetitionRated(petition=p, action="rate_answer", actor=petitioner, at=now))
    return p
