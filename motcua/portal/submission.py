"""Online submission in the portal: what a procedure asks for, the steps, and the submission of
a draft through the same action as the API (dossiers.actions.submit_described, channel online).

The steps: who files (applicant), the e-form (the declaration, catalog.eforms, plus the commune
the competence basis looks at when the e-form does not ask it), the components (a file, or the
national database, or on paper where the online level allows), where the result is returned,
and a review. Each step's form is bound to what the draft saved, so the review checks every
step again as it was typed, and a submission is built only from forms that are valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import segno
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from motcua.catalog import eforms
from motcua.catalog.models import (
    ComponentRequirement,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
)
from motcua.core.errors import DomainError
from motcua.dossiers import actions, policy
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.routing import place_field
from motcua.org.models import AdministrativeUnit, Agency, User
from motcua.portal import drafts
from motcua.portal.models import DraftFile, SubmissionDraft

APPLICANT, EFORM, COMPONENTS, RETURN, REVIEW = (
    "applicant", "eform", "components", "return", "review")
STEPS = (APPLICANT, EFORM, COMPONENTS, RETURN, REVIEW)
# The steps' addresses, in Vietnamese as the portal's.
SLUGS = {APPLICANT: "nguoi-nop", EFORM: "to-khai", COMPONENTS: "thanh-phan",
         RETURN: "nhan-ket-qua", REVIEW: "kiem-tra"}
STEP_OF_SLUG = {slug: step for step, slug in SLUGS.items()}
STEP_TITLES: dict[str, Promise] = {
    APPLICANT: _("Who is applying"),
    EFORM: _("Declaration"),
    COMPONENTS: _("Documents"),
    RETURN: _("Where to receive the result"),
    REVIEW: _("Check and submit"),
}

# Component sources the portal offers (dossiers.models.ComponentSource, and paper).
UPLOAD, NATIONAL, PAPER = "upload", "national", "paper"


def step_url(draft: SubmissionDraft, step: str) -> str:
    return reverse("portal:draft-step", kwargs={"key": draft.key, "slug": SLUGS[step]})


def offered_online(procedure: Procedure, version: ProcedureVersion | None) -> bool:
    """Whether the procedure can be submitted online now: in force, offered online, active,
    and with a national code (the action finds the procedure by it)."""
    return bool(version is not None and procedure.is_active and procedure.code
                and version.online_level != OnlineLevel.NONE)


@dataclass(frozen=True)
class Slot:
    """A component of the procedure as the components step shows it."""

    requirement: ComponentRequirement
    eform: eforms.EForm | None

    @property
    def must_give(self) -> bool:
        """Required without a condition only the applicant can judge (as actions checks)."""
        return self.requirement.required and not self.requirement.condition.strip()

    @property
    def info_only(self) -> bool:
        """Information to give, nothing to hand in (quantity 0)."""
        return self.requirement.quantity == 0


@dataclass(frozen=True)
class Plan:
    """What a procedure version asks for online, read once per page."""

    version: ProcedureVersion
    slots: tuple[Slot, ...]
    # the form_data field naming the commune that decides the competent agency, when the
    # e-forms do not ask it themselves ("" when the basis needs none)
    place_field: str

    @property
    def eform_slots(self) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.eform is not None)

    @property
    def document_slots(self) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.eform is None)

    @property
    def steps(self) -> tuple[str, ...]:
        has_eform = bool(self.eform_slots or self.place_field)
        return tuple(s for s in STEPS if s != EFORM or has_eform)

    @property
    def paper_allowed(self) -> bool:
        """A fully online procedure takes no paper component (actions: component_paper)."""
        return self.version.online_level != OnlineLevel.FULL

    @property
    def return_methods(self) -> tuple[str, ...]:
        """Where the result may be returned: at a one-stop unit or by post always; online only
        when the procedure is fully online (Decree 42/2022: "toàn trình" includes receiving
        the result online; a partial service does not promise it)."""
        methods = ("unit", "postal")
        return (*methods, "online") if self.version.online_level == OnlineLevel.FULL \
            else methods

    def next_step(self, step: str) -> str:
        steps = self.steps
        return steps[min(steps.index(step) + 1, len(steps) - 1)]

    def previous_step(self, step: str) -> str | None:
        steps = self.steps
        index = steps.index(step)
        return steps[index - 1] if index else None


def plan_for(version: ProcedureVersion) -> Plan:
    slots = tuple(Slot(r, eforms.of(r.eform_schema))
                  for r in ComponentRequirement.objects.filter(version=version)
                  .order_by("position"))
    asked = {f.name for s in slots if s.eform is not None for f in s.eform.fields}
    place = place_field(version.competence_basis)
    return Plan(version, slots, place if place and place not in asked else "")


# --- where an online dossier is received -----------------------------------------------


def home_province() -> AdministrativeUnit | None:
    """The deployment's province: that of its provincial service center."""
    center = (Agency.objects.filter(kind=Agency.Kind.PROVINCE_CENTER, is_active=True)
              .select_related("unit").order_by("code").first())
    return center.unit if center else None


def receiving_unit(version: ProcedureVersion, commune: AdministrativeUnit | None
                   ) -> Agency | None:
    """The one-stop unit that receives an online dossier: the service center of the commune
    the dossier is about (commune-level procedures), else the provincial center of its
    province, else the deployment's own. The action still checks that the unit may receive
    it (actions: outside_boundary)."""
    centers = Agency.objects.filter(is_active=True).select_related("unit__parent")
    if commune is not None and version.level in (Level.COMMUNE, Level.BOTH):
        local = centers.filter(kind=Agency.Kind.COMMUNE_CENTER, unit=commune).order_by("code")
        if (found := local.first()) is not None:
            return found
    provincial = centers.filter(kind=Agency.Kind.PROVINCE_CENTER).order_by("code")
    if commune is not None:
        found = provincial.filter(unit=commune.province()).first()
        if found is not None:
            return found
    return provincial.first()


# --- a submission from a draft -----------------------------------------------------------


@dataclass
class StepProblem:
    step: str
    message: str


@dataclass
class Prepared:
    """A draft turned into the action's input, or the problems that stop it."""

    submission: actions.Submission | None = None
    files: list[DraftFile] = field(default_factory=list)
    problems: list[StepProblem] = field(default_factory=list)


# Which step a refusal of the action is about (its code), to send the applicant there.
CODE_STEPS = {
    "applicant_name": APPLICANT, "applicant_id_number": APPLICANT,
    "applicant_tax_code": APPLICANT, "applicant_kind": APPLICANT,
    "representative_relationship": APPLICANT, "representative_name": APPLICANT,
    "representative_id_number": APPLICANT, "unknown_commune": APPLICANT,
    "outside_boundary": APPLICANT,
    "form_data": EFORM, "unknown_place_commune": EFORM, "unknown_property_commune": EFORM,
    "missing_components": COMPONENTS, "component_paper": COMPONENTS,
    "component_source": COMPONENTS, "component_authorization": COMPONENTS,
    "component_paper_form": COMPONENTS,
    "unknown_component": COMPONENTS, "upload_rejected": COMPONENTS,
    "return_method": RETURN, "return_address": RETURN, "return_agency": RETURN,
    "not_a_receiving_unit": RETURN,
}


def step_of(error: DomainError) -> str:
    return CODE_STEPS.get(error.code, REVIEW)


class Refused(Exception):
    """The submission did not go through; `problems` say why, step by step."""

    def __init__(self, problems: list[StepProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


Preparer = Callable[[SubmissionDraft, Plan, User], Prepared]


def submit(user: User, key: Any, prepare: Preparer, *, now: dt.datetime | None = None
           ) -> Dossier:
    """Submit the owner's draft once: the draft's row is locked, and a draft submitted before
    (a double click, the back button) gives its dossier again instead of a second one. In one
    transaction: the dossier (actions.submit_described, as the API), then each uploaded file
    through the action `attach_file` (the API's upload, checked again), then the draft marked
    submitted; the dossier marked as using population data if the draft's pages were filled
    from it (drafts.mark_identity). Refused (with the problems by step) when a step is not
    complete or the action refuses; nothing is kept then, not even a file."""
    stored: list[str] = []  # the files this submission wrote into the dossier's storage
    try:
        with transaction.atomic():
            draft = drafts.owned_locked(user, key)
            if draft.dossier_id is not None:
                return Dossier.objects.get(pk=draft.dossier_id)
            if draft.submitted_at is not None:  # its dossier is gone: nothing to show again
                raise Refused([StepProblem(REVIEW, str(_("This draft was submitted already.")))])
            plan = plan_for(draft.version)
            prepared = prepare(draft, plan, user)
            if prepared.submission is None:
                raise Refused(prepared.problems)
            dossier, related = actions.submit_described(prepared.submission, account=user,
                                                        now=now)
            _attach(dossier, related, prepared.files, user, now, stored)
            drafts.mark_identity(dossier, draft)
            draft.dossier, draft.submitted_at = dossier, dossier.submitted_at
            draft.updated_at = timezone.now()
            draft.save(update_fields=["dossier", "submitted_at", "updated_at"])
            drafts.discard_files_on_commit(f.file.name for f in prepared.files)
            return dossier
    except DomainError as exc:
        _discard(stored)
        raise Refused([StepProblem(step_of(exc), exc.detail)]) from exc
    except Exception:
        _discard(stored)
        raise


def _attach(dossier: Dossier, related: Any, files: list[DraftFile], user: User,
            now: dt.datetime | None, stored: list[str]) -> None:
    """Each draft file to its component of the new dossier, through the API's action; the
    name of each file it stores goes to `stored` as soon as it is written."""
    if not files:
        return
    policy.require_action(user, dossier, "attach_file")
    component_of: dict[Any, int] = {}
    for component, _files in related.components:
        key = "authorization" if component.is_authorization else component.requirement_id
        component_of[key] = component.pk
    with ExitStack() as stack:
        for draft_file in files:
            handle = stack.enter_context(default_storage.open(draft_file.file.name, "rb"))
            upload = File(handle, name=draft_file.original_name)
            key = "authorization" if draft_file.authorization else draft_file.requirement_id
            # created in this transaction: no other one sees the row, as good as locked
            actions.perform_locked(dossier, "attach_file", user, now=now, upload=upload,
                                   component_id=component_of.get(key))
            stored.append(DossierFile.objects.filter(dossier=dossier).order_by("-pk")
                          .values_list("file", flat=True)[0])


def _discard(names: list[str]) -> None:
    """The files a rolled-back submission stored: their rows are gone, the files would stay."""
    for name in names:
        default_storage.delete(name)


def files_by_slot(files: list[DraftFile]) -> dict[Any, list[DraftFile]]:
    """A draft's files by requirement id ("authorization" for the representation's proof)."""
    grouped: dict[Any, list[DraftFile]] = {}
    for stored in files:
        key = "authorization" if stored.authorization else stored.requirement_id
        grouped.setdefault(key, []).append(stored)
    return grouped


def qr_svg(address: str, code: str) -> SafeString:
    """The QR code of a dossier's public tracking address, as inline SVG (no script, no style
    attribute: the Content-Security-Policy allows neither), named for screen readers. Error
    correction M, as on Form 01."""
    label = escape(_("QR code of the tracking address of dossier %(code)s") % {"code": code})
    svg = segno.make(address, error="m", micro=False).svg_inline(
        scale=4, border=2, dark="#0b0c0c", light="#ffffff", svgclass="motcua-qr", omitsize=False)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308  # segno's own markup, the label escaped
