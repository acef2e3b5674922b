"""The online submission's pages: start, the steps of a draft, the drafts being prepared, the
receipt, and the communes of a province for the commune picker.

Thin: read the draft through portal.drafts (its owner only), bind the step's form
(portal.submission_forms), save what was typed, and submit through portal.submission, which
calls the API's action. Every step saves the draft, valid or not; "continue" also needs the
step to be valid.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import selectors as catalog
from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers import policy
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.serializers import tracking_payload
from motcua.integration import national_documents
from motcua.org.models import User
from motcua.portal import drafts, prefill, review, submission
from motcua.portal import submission_forms as forms
from motcua.portal import submission_steps as steps
from motcua.portal.commune_picker import REFRESH, commune_choices
from motcua.portal.models import SubmissionDraft
from motcua.portal.submission import (
    APPLICANT,
    COMPONENTS,
    EFORM,
    RETURN,
    REVIEW,
    STEP_OF_SLUG,
    STEP_TITLES,
    Plan,
    plan_for,
    step_url,
)

DRAFTS_PER_PAGE = 20
CONTINUE, SAVE, UPLOAD_NOW, REMOVE = "continue", "save", "upload", "remove"


def _staff_refused(request: HttpRequest) -> HttpResponse | None:
    """Staff receive dossiers at the counter (as the API answers them)."""
    user = request.user
    if isinstance(user, User) and user.kind == User.Kind.STAFF:
        return render(request, "portal/submission/refused.html", {
            "reason": _("Staff receive dossiers through the counter intake; sign in with a "
                        "citizen's account to submit online.")}, status=403)
    return None


# --- start -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, ref: str) -> HttpResponse:
    """What the submission asks for, and the button that starts a draft (POST)."""
    try:
        procedure, version = catalog.procedure_detail(ref)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if (refused := _staff_refused(request)) is not None:
        return refused
    offered = submission.offered_online(procedure, version)
    if request.method == "POST":
        if not offered:
            return render(request, "portal/submission/start.html",
                          {"procedure": procedure, "version": version, "offered": False},
                          status=409)
        first = plan_for(version).steps[0]
        draft = drafts.start(request.user, version, first)  # type: ignore[arg-type]
        return redirect(step_url(draft, first))
    plan: Plan | None = plan_for(version) if offered else None
    existing = drafts.in_progress(request.user).filter(  # type: ignore[arg-type]
        version__procedure=procedure)[:5] if offered else []
    return render(request, "portal/submission/start.html", {
        "procedure": procedure, "version": version, "offered": offered, "plan": plan,
        "fee_total": catalog.fee_total(version, Channel.ONLINE), "existing": existing,
    })


# --- the drafts --------------------------------------------------------------------------


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(drafts.in_progress(request.user),  # type: ignore[arg-type]
                     DRAFTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/submission/drafts.html",
                  {"page": page, "keep_days": settings.SUBMISSION_DRAFT_KEEP_DAYS})


@login_required
@require_GET
def resume(request: HttpRequest, key: str) -> HttpResponse:
    draft = _owned_or_receipt(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    plan = plan_for(draft.version)
    return redirect(step_url(draft, draft.step if draft.step in plan.steps else plan.steps[0]))


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, key: str) -> HttpResponse:
    draft = drafts.owned(request.user, key)  # type: ignore[arg-type]
    if request.method == "POST":
        drafts.delete(SubmissionDraft.objects.filter(pk=draft.pk))
        messages.success(request, _("The draft was deleted."))
        return redirect("portal:drafts")
    return render(request, "portal/submission/delete.html", {"draft": draft})


@login_required
@require_GET
def draft_file(request: HttpRequest, key: str, file_id: int) -> FileResponse:
    draft = drafts.owned(request.user, key)  # type: ignore[arg-type]
    stored = draft.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404(_("No such file in this draft."))
    return FileResponse(stored.file.open("rb"), as_attachment=True,
                        filename=stored.original_name, content_type=stored.content_type)


def _owned_or_receipt(request: HttpRequest, key: str) -> SubmissionDraft | HttpResponse:
    """The draft being prepared; for one submitted already (the back button), its receipt."""
    try:
        return drafts.owned(request.user, key)  # type: ignore[arg-type]
    except Http404:
        code = drafts.submitted_code(request.user, key)  # type: ignore[arg-type]
        if code is None:
            raise
        return redirect("portal:receipt", code=code)


# --- the steps ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, key: str, slug: str) -> HttpResponse:
    name = STEP_OF_SLUG.get(slug)
    if name is None:
        raise Http404(_("No such step."))
    if name == REVIEW and request.method == "POST":
        return _submit(request, key)
    draft = _owned_or_receipt(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    plan = plan_for(draft.version)
    if name not in plan.steps:
        raise Http404(_("No such step."))
    return HANDLERS[name](request, draft, plan)


def _page(request: HttpRequest, draft: SubmissionDraft, plan: Plan, name: str,
          context: dict[str, Any]) -> HttpResponse:
    previous = plan.previous_step(name)
    return render(request, f"portal/submission/{name}.html", {
        "max_mb": settings.MAX_UPLOAD_BYTES // 2**20,
        "draft": draft, "plan": plan, "procedure": draft.version.procedure,
        "version": draft.version, "step": name, "title": STEP_TITLES[name],
        "number": plan.steps.index(name) + 1, "count": len(plan.steps),
        "back": step_url(draft, previous) if previous else
        reverse("portal:procedure", kwargs={"ref": draft.version.procedure.code}),
        **context})


def _after_save(request: HttpRequest, draft: SubmissionDraft, plan: Plan, name: str,
                valid: bool) -> HttpResponse | None:
    """Where a saved step goes: the drafts (saved for later), the next step (valid), or None
    (the page again, with what is wrong)."""
    action = request.POST.get("action", CONTINUE)
    if action == SAVE:
        messages.success(request, _("Your draft is saved. You can continue it from “Drafts” "
                                    "until %(date)s.") % {"date": _date(draft)})
        return redirect("portal:drafts")
    if action == CONTINUE and valid:
        following = plan.next_step(name)
        steps_order = plan.steps
        if steps_order.index(following) > steps_order.index(
                draft.step if draft.step in steps_order else steps_order[0]):
            draft.step = following
            draft.save(update_fields=["step"])
        return redirect(step_url(draft, following))
    return None


def _date(draft: SubmissionDraft) -> str:
    return timezone.localtime(draft.expires_at).strftime("%d/%m/%Y")


def _check_requested(request: HttpRequest) -> bool:
    """The review sends back to a step with ?kiem-tra=1 to show what is wrong there."""
    return request.GET.get("kiem-tra") == "1"


def applicant_step(request: HttpRequest, draft: SubmissionDraft, plan: Plan) -> HttpResponse:
    if request.method == "POST":
        form = steps.applicant_form(draft, request.POST)
        drafts.save_step(draft, APPLICANT, steps.as_saved(request.POST, list(form.fields)))
        if REFRESH in request.POST:
            form.quiet()
        elif (done := _after_save(request, draft, plan, APPLICANT, form.is_valid())):
            return done
    else:
        form = steps.applicant_form(draft, prefill=True)
        prefill.note(draft, form.prefilled)
        if form.is_bound and not _check_requested(request):
            form.quiet()
    return _page(request, draft, plan, APPLICANT, {"form": form, "account": draft.owner})


def eform_step(request: HttpRequest, draft: SubmissionDraft, plan: Plan) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = steps.eform_form(draft, plan, data, prefill=data is None)
    assert form is not None  # the step exists only with an e-form
    prefill.note(draft, form.prefilled)
    if request.method == "POST":
        drafts.save_step(draft, EFORM, steps.as_saved(request.POST, list(form.fields)))
        if REFRESH in request.POST:
            form.quiet()
        elif (done := _after_save(request, draft, plan, EFORM, form.is_valid())):
            return done
    elif form.is_bound and not _check_requested(request):
        form.quiet()
    return _page(request, draft, plan, EFORM, {"form": form})


def components_step(request: HttpRequest, draft: SubmissionDraft, plan: Plan
                    ) -> HttpResponse:
    applicant = steps.applicant_form(draft)
    representation = applicant.representation if applicant.is_bound and \
        applicant.is_valid() else ""
    if request.method != "POST":
        state = forms.components_step(plan, draft, representation)
        if _check_requested(request):
            state.validate()
        return _page(request, draft, plan, COMPONENTS, {"state": state})
    if (remove := request.POST.get(REMOVE)) is not None:
        drafts.remove_file(draft, remove)
        messages.success(request, _("The file was removed."))
        return redirect(step_url(draft, COMPONENTS))
    state = forms.components_step(plan, draft, representation)
    ways = {value for value, _label, _hint in state.sources}
    chosen = {s.key: way if (way := request.POST.get(s.source_name, s.source)) in ways
              or way in s.offer_values else s.source for s in state.states}
    drafts.save_step(draft, COMPONENTS, chosen)
    upload_errors = _receive_files(request, draft, state)
    state = forms.components_step(plan, draft, representation)  # with the new files
    for item in state.states:
        item.error = upload_errors.get(item.key, "")
    if request.headers.get("HX-Request") == "true":
        # a file field's own upload (htmx): the component comes back, with its files
        only = request.POST.get("slot", "")
        fragment = next((s for s in state.states if s.key == only), None)
        if fragment is None:
            raise Http404(_("No such component."))
        return render(request, "portal/submission/includes/slot.html",
                      {"item": fragment, "state": state, "draft": draft})
    if upload_errors:
        return _page(request, draft, plan, COMPONENTS, {"state": state})
    action = request.POST.get("action", CONTINUE)
    if action == UPLOAD_NOW:
        return redirect(step_url(draft, COMPONENTS))
    valid = state.validate() if action == CONTINUE else True
    if (done := _after_save(request, draft, plan, COMPONENTS, valid)):
        return done
    return _page(request, draft, plan, COMPONENTS, {"state": state})


def _receive_files(request: HttpRequest, draft: SubmissionDraft, state: forms.ComponentsStep
                   ) -> dict[str, str]:
    """Keep each file sent for a component (checked as the API checks uploads); the refusals
    by component."""
    errors: dict[str, str] = {}
    for item in state.states:
        for upload in request.FILES.getlist(item.input_name):
            try:
                drafts.add_file(draft, upload,
                                item.slot.requirement if item.slot is not None else None,
                                authorization=item.slot is None)
            except InvalidInput as exc:
                errors[item.key] = _("“%(file)s”: %(reason)s") % {
                    "file": upload.name, "reason": exc.detail}
    return errors


def return_step(request: HttpRequest, draft: SubmissionDraft, plan: Plan) -> HttpResponse:
    applicant = steps.applicant_form(draft)
    eform = steps.eform_form(draft, plan)
    data = request.POST if request.method == "POST" else None
    form = steps.return_form(draft, plan, applicant, eform, data)
    if request.method == "POST":
        drafts.save_step(draft, RETURN, steps.as_saved(request.POST, list(form.fields)))
        if (done := _after_save(request, draft, plan, RETURN, form.is_valid())):
            return done
    elif form.is_bound and not _check_requested(request):
        form.quiet()
    return _page(request, draft, plan, RETURN, {"form": form})


def review_step(request: HttpRequest, draft: SubmissionDraft, plan: Plan, *,
                form: forms.ReviewForm | None = None,
                problems: list[submission.StepProblem] | None = None) -> HttpResponse:
    bound = steps.bind(draft, plan)
    if problems is None:
        problems = steps.prepare(draft, plan, draft.owner).problems
    return _page(request, draft, plan, REVIEW, {
        "bound": bound, "form": form or forms.ReviewForm(), "problems": [
            {"message": p.message,
             "url": f"{step_url(draft, p.step)}?kiem-tra=1" if p.step != REVIEW else "#submit"}
            for p in problems],
        "summary": review.summary(bound),
        "fee_total": catalog.fee_total(draft.version, Channel.ONLINE),
    })


def _submit(request: HttpRequest, key: str) -> HttpResponse:
    """Submit the draft once (portal.submission.submit): a second POST of the same draft gets
    the receipt of the dossier the first one filed."""
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            owned = drafts.owned(request.user, key)  # type: ignore[arg-type]
        except Http404:
            owned = None  # submitted already: `submit` gives its dossier again
        taken: dict[int, national_documents.Taken] = {}
        if owned is not None:
            taken, problems = steps.take_national(owned, plan_for(owned.version), owned.owner)
            if problems:
                return review_step(request, owned, plan_for(owned.version), form=form,
                                   problems=problems)
        try:
            dossier = submission.submit(request.user, key,  # type: ignore[arg-type]
                                        partial(steps.prepare, national=taken))
        except submission.Refused as refused:
            owned = drafts.owned(request.user, key)  # type: ignore[arg-type]
            return review_step(request, owned, plan_for(owned.version), form=form,
                               problems=refused.problems)
        return redirect("portal:receipt", code=dossier.code)
    draft = _owned_or_receipt(request, key)
    if isinstance(draft, HttpResponse):
        return draft
    return review_step(request, draft, plan_for(draft.version), form=form)


HANDLERS: dict[str, Callable[..., HttpResponse]] = {
    APPLICANT: applicant_step, EFORM: eform_step, COMPONENTS: components_step,
    RETURN: return_step, REVIEW: review_step}


# --- the receipt, the communes ------------------------------------------------------------


@login_required
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The submitted dossier's code, times and what comes next, with the QR code of its
    public tracking address; only for whoever may read the dossier (dossiers.policy)."""
    try:
        dossier: Dossier = policy.get_visible(request.user, code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    tracking = request.build_absolute_uri(reverse("portal:tracking-code",
                                                  kwargs={"code": dossier.code}))
    return render(request, "portal/submission/receipt.html", {
        "dossier": dossier, "found": tracking_payload(dossier), "tracking_url": tracking,
        "qr": submission.qr_svg(tracking, dossier.code),
    })


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The options of the commune list for a province (the commune picker's script)."""
    province = request.GET.get("province", "")[:8]
    return render(request, "portal/includes/commune_options.html",
                  {"choices": commune_choices(province or None)})
