"""A draft's steps bound to what each saved (portal.submission_forms), so that a page shows
what was typed and the review checks every step again; and the action's input built from a
draft whose every step is complete (`prepare`, given to portal.submission.submit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from motcua.dossiers import actions
from motcua.dossiers.models import Channel, ReturnMethod
from motcua.dossiers.routing import find_commune, place_field
from motcua.integration import national_documents
from motcua.integration.http import NationalSystemUnavailable
from motcua.org.models import AdministrativeUnit, Agency, User
from motcua.portal.commune_picker import commune_code
from motcua.portal.models import SubmissionDraft
from motcua.portal.prefill import eform_initial, population_initial
from motcua.portal.submission import (
    APPLICANT,
    COMPONENTS,
    EFORM,
    RETURN,
    REVIEW,
    STEP_TITLES,
    Plan,
    Prepared,
    StepProblem,
    receiving_unit,
)
from motcua.portal.submission_forms import (
    FOR_SELF,
    ApplicantForm,
    ComponentsStep,
    EFormForm,
    ReturnForm,
    applicant_initial,
    components_step,
)


def saved(draft: SubmissionDraft, step: str) -> MultiValueDict | None:
    """What a step saved, as the form's data (None: never saved, the form starts empty)."""
    values = draft.data.get(step)
    if values is None:
        return None
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in values.items()})


# A value kept in a draft as typed is cut at this length: longer than any field takes (so its
# form still says it is too long), short of filling the database with one request.
MAX_SAVED_CHARS = 5000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def as_saved(post: Any, names: list[str]) -> dict[str, Any]:
    """The posted values of a form's fields (and of their parts), to keep in the draft as
    typed, without what the database cannot store (NUL, lone surrogates)."""
    kept: dict[str, Any] = {}
    for key in post:
        if any(key == n or key.startswith(f"{n}_") for n in names):
            values = [_UNSTORABLE.sub("", str(v))[:MAX_SAVED_CHARS]
                      for v in post.getlist(key)[:10]]
            kept[key] = values[0] if len(values) == 1 else values
    return kept


@dataclass
class Bound:
    """Every step of a draft, bound to what it saved."""

    plan: Plan
    applicant: ApplicantForm
    eform: EFormForm | None
    components: ComponentsStep
    receiving: Agency | None
    result: ReturnForm

    def valid_steps(self) -> dict[str, bool]:
        valid = {APPLICANT: self.applicant.is_bound and self.applicant.is_valid(),
                 COMPONENTS: self.components.validate(),
                 RETURN: self.result.is_bound and self.result.is_valid()}
        if self.eform is not None:
            valid[EFORM] = self.eform.is_bound and self.eform.is_valid()
        return valid


def applicant_form(draft: SubmissionDraft, data: Any = None, *,
                   prefill: bool = False) -> ApplicantForm:
    """`prefill`: a form never saved is filled from the population database (portal.prefill),
    for an account VNeID verified; `form.prefilled` says how it went."""
    data = data if data is not None else saved(draft, APPLICANT)
    initial = applicant_initial(draft.owner)
    outcome = ""
    if prefill and data is None:
        found, outcome = population_initial(draft.owner)
        initial.update(found)
    form = ApplicantForm(data, account=draft.owner, version=draft.version, initial=initial)
    form.prefilled = outcome
    return form


def eform_form(draft: SubmissionDraft, plan: Plan, data: Any = None, *,
               prefill: bool = False) -> EFormForm | None:
    """`prefill`: a form never saved, of a citizen filing for themselves, is filled from the
    population database (portal.prefill) where its fields say so; `form.prefilled` says how
    it went."""
    if EFORM not in plan.steps:
        return None
    data = data if data is not None else saved(draft, EFORM)
    initial: dict[str, Any] = {}
    outcome = ""
    applicant = saved(draft, APPLICANT)
    if prefill and data is None and applicant is not None \
            and applicant.get("filing_for") == FOR_SELF:
        fields = [f for slot in plan.eform_slots if slot.eform is not None
                  for f in slot.eform.fields]
        initial, outcome = eform_initial(draft.owner, fields)
    form = EFormForm(plan, data, today=timezone.localdate(), initial=initial)
    form.prefilled = outcome
    return form


def place_commune(plan: Plan, applicant: ApplicantForm, eform: EFormForm | None
                  ) -> AdministrativeUnit | None:
    """The commune the dossier is about: the e-form's place for the competence basis, else the
    applicant's residence (as saved, valid or not)."""
    code = ""
    field_name = place_field(plan.version.competence_basis)
    if eform is not None and field_name and field_name in eform.fields:
        code = commune_code(eform[field_name].value())
    if not code:
        code = commune_code(applicant["commune"].value())
    return find_commune(code) if code else None


def return_form(draft: SubmissionDraft, plan: Plan, applicant: ApplicantForm,
                eform: EFormForm | None, data: Any = None) -> ReturnForm:
    receiving = receiving_unit(plan.version, place_commune(plan, applicant, eform))
    return ReturnForm(data if data is not None else saved(draft, RETURN), plan=plan,
                      receiving=receiving,
                      applicant_address=str(applicant["address"].value() or ""),
                      initial={"method": ReturnMethod.UNIT,
                               "agency": receiving.code if receiving else ""})


def bind(draft: SubmissionDraft, plan: Plan) -> Bound:
    applicant = applicant_form(draft)
    eform = eform_form(draft, plan)
    representation = applicant.representation if applicant.is_bound and \
        applicant.is_valid() else ""
    result = return_form(draft, plan, applicant, eform)
    return Bound(plan, applicant, eform, components_step(plan, draft, representation),
                 result.receiving, result)


NATIONAL_PURPOSE = "Nộp hồ sơ trực tuyến: khai thác giấy tờ từ cơ sở dữ liệu quốc gia"


def take_national(draft: SubmissionDraft, plan: Plan, user: User
                  ) -> tuple[dict[int, national_documents.Taken], list[StepProblem]]:
    """Look up, in its national database, each component chosen to be taken from there
    (ComponentsStep.to_take), by the applicant's ID number or tax code: what was taken, by
    requirement id, and the problems (a database not answering, no record) that stop the
    submission, on the components step. Called before the submission's transaction, so that
    the exchange log keeps every lookup. Nothing is asked while the applicant step is not
    complete (the submission stops on it anyway)."""
    applicant = applicant_form(draft)
    if not (applicant.is_bound and applicant.is_valid()):
        return {}, []
    who = applicant.payload()
    taken: dict[int, national_documents.Taken] = {}
    problems = []
    for state in components_step(plan, draft, applicant.representation).to_take():
        assert state.slot is not None
        requirement = state.slot.requirement
        try:
            taken[requirement.pk] = national_documents.take(
                requirement.national_source, id_number=who.get("id_number") or "",
                tax_code=who.get("tax_code") or "", purpose=NATIONAL_PURPOSE, account=user)
        except NationalSystemUnavailable:
            problems.append(StepProblem(COMPONENTS, _(
                "“%(name)s”: the %(database)s is not answering. Upload the document instead, "
                "or submit again in a few minutes.") % {
                    "name": state.name, "database": state.national_database}))
        except national_documents.NotTaken as exc:
            problems.append(StepProblem(COMPONENTS, _(
                "“%(name)s”: %(reason)s Upload the document instead.") % {
                    "name": state.name, "reason": exc.message}))
    return taken, problems


def prepare(draft: SubmissionDraft, plan: Plan, user: User,
            national: dict[int, national_documents.Taken] | None = None) -> Prepared:
    """The action's input from a draft whose every step is complete; else the problems.
    `national`: the components taken from their national database (take_national)."""
    bound = bind(draft, plan)
    valid = bound.valid_steps()
    problems = [StepProblem(step, _("Complete the step “%(step)s”.")
                            % {"step": STEP_TITLES[step]})
                for step in plan.steps if not valid.get(step, True)]
    today = timezone.localdate()
    version = plan.version
    if version.effective_to is not None and version.effective_to <= today:
        problems.append(StepProblem(REVIEW, _(
            "The rules of this procedure changed on %(date)s: start a new submission.")
            % {"date": version.effective_to.strftime("%d/%m/%Y")}))
    if problems or bound.receiving is None:
        return Prepared(problems=problems or [StepProblem(RETURN, _(
            "No one-stop unit of the province receives dossiers online."))])
    assert version.procedure.code is not None  # portal.submission.offered_online
    submission = actions.Submission(
        procedure_code=version.procedure.code, receiving_agency=bound.receiving,
        applicant=bound.applicant.applicant(),
        components=bound.components.component_inputs(national),
        form_data=bound.eform.form_data() if bound.eform is not None else {},
        channel=Channel.ONLINE, result_return=bound.result.result_return())
    return Prepared(submission, bound.components.files_to_attach())
