"""Drafts of online submissions (portal.models): started, read and changed only by their owner,
their files checked as the API checks uploads, deleted with their files.

Every read goes through `owned` (or `owned_locked`): another account's draft, a forged key or a
submitted one is "not found", the same answer as a draft that never existed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ComponentRequirement, ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.uploads import check_upload
from motcua.integration import identity
from motcua.org.models import User
from motcua.portal.models import DraftFile, SubmissionDraft, keep_for

# Files per component of a draft: a document scanned page by page fits; more is a mistake.
MAX_FILES_PER_COMPONENT = 10
# The key of SubmissionDraft.data that says what the population database gave the draft's
# pages (portal.prefill): {"id": the number asked, "found": true, "unavailable": true}. Never
# a step's name, so nothing posted writes it.
POPULATION = "population"
FOUND, UNAVAILABLE = "found", "unavailable"


def start(owner: User, version: ProcedureVersion, first_step: str) -> SubmissionDraft:
    now = timezone.now()
    return SubmissionDraft.objects.create(owner=owner, version=version, step=first_step,
                                          created_at=now, updated_at=now)


def _parse_key(key: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise Http404(_("No such draft.")) from None


def _owned_query(owner: User, key: Any) -> QuerySet[SubmissionDraft]:
    return SubmissionDraft.objects.filter(owner=owner, key=_parse_key(key))


def owned(owner: User, key: Any) -> SubmissionDraft:
    """The owner's draft being prepared (not submitted), with its procedure; else 404."""
    draft = (_owned_query(owner, key).filter(dossier__isnull=True, submitted_at__isnull=True)
             .select_related("version__procedure").first())
    if draft is None:
        raise Http404(_("No such draft."))
    return draft


def owned_locked(owner: User, key: Any) -> SubmissionDraft:
    """The owner's draft, submitted or not, its row locked until the end of the caller's
    transaction (two submissions of one draft wait for each other); else 404."""
    draft = (_owned_query(owner, key).select_for_update(of=("self",))
             .select_related("version__procedure").first())
    if draft is None:
        raise Http404(_("No such draft."))
    return draft


def submitted_code(owner: User, key: Any) -> str | None:
    """The code of the dossier the owner's draft became, if it was submitted."""
    return _owned_query(owner, key).filter(dossier__isnull=False) \
        .values_list("dossier__code", flat=True).first()


def in_progress(owner: User) -> QuerySet[SubmissionDraft]:
    """The owner's drafts not yet submitted, the last saved first, with their procedure and
    the number of files: one query for any number of drafts."""
    return (SubmissionDraft.objects.filter(owner=owner, dossier__isnull=True,
                                           submitted_at__isnull=True,
                                           updated_at__gte=timezone.now() - keep_for())
            .select_related("version__procedure").annotate(file_count=Count("files"))
            .order_by("-updated_at", "-pk"))


def save_step(draft: SubmissionDraft, step: str, values: dict[str, Any], *,
              reached: str | None = None) -> None:
    """Keep what a step's form holds (as typed), and the furthest step reached."""
    draft.data = {**draft.data, step: values}
    if reached is not None:
        draft.step = reached
    draft.updated_at = timezone.now()
    draft.save(update_fields=["data", "step", "updated_at"])


def note_population(draft: SubmissionDraft, outcome: str, id_number: str) -> None:
    """Remember that a page of the draft was filled from the population database (`outcome`
    "found") or found it not answering ("unavailable"), for `id_number`."""
    note = dict(draft.data.get(POPULATION) or {})
    if note.get("id") != id_number:
        note = {"id": id_number}
    note[outcome] = True
    draft.data = {**draft.data, POPULATION: note}
    draft.save(update_fields=["data"])


def mark_identity(dossier: Dossier, draft: SubmissionDraft) -> None:
    """In the submission's transaction: a dossier filed for themselves by the citizen whose
    draft's pages the population database filled is marked as using population data (index
    4.5b); one whose pages found it not answering (and never filled) as entered by hand."""
    seen = draft.data.get(POPULATION) or {}
    if not seen or dossier.representative_name or dossier.applicant_id_number != seen.get("id"):
        return
    if seen.get(FOUND):
        identity.record_dossier_identity(dossier, id_number=dossier.applicant_id_number,
                                         population_data_used=True)
    elif seen.get(UNAVAILABLE):
        identity.record_dossier_identity(dossier, id_number=dossier.applicant_id_number,
                                         manual_entry=True)


def touch(draft: SubmissionDraft) -> None:
    draft.updated_at = timezone.now()
    draft.save(update_fields=["updated_at"])


def add_file(draft: SubmissionDraft, upload: UploadedFile,
             requirement: ComponentRequirement | None, *, authorization: bool = False
             ) -> DraftFile:
    """Check the upload as the API does (dossiers.uploads: UploadRejected with the reason) and
    keep it under the draft's key."""
    same_slot = draft.files.filter(requirement=requirement, authorization=authorization)
    if same_slot.count() >= MAX_FILES_PER_COMPONENT:
        raise InvalidInput(_("At most %(n)d files per component: remove one first, or join the "
                             "pages into one PDF.") % {"n": MAX_FILES_PER_COMPONENT},
                           code="too_many_files")
    name, content_type, digest = check_upload(upload)
    stored = DraftFile(draft=draft, requirement=requirement, authorization=authorization,
                       original_name=name, content_type=content_type, size=upload.size or 0,
                       sha256=digest)
    stored.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            stored.save()
            touch(draft)
    except Exception:
        stored.file.delete(save=False)  # nothing half-written: no orphan file
        raise
    return stored


def remove_file(draft: SubmissionDraft, file_id: Any) -> None:
    stored = draft.files.filter(pk=file_id).first() if str(file_id).isdigit() else None
    if stored is None:
        raise Http404(_("No such file in this draft."))
    with transaction.atomic():
        stored.delete()
        touch(draft)
        discard_files_on_commit([stored.file.name])


def discard_files_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the transaction that dropped their rows has committed (a
    rollback keeps them, with their rows)."""
    names = [n for n in names if n]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def delete(drafts: QuerySet[SubmissionDraft]) -> int:
    """Delete the drafts and, once that is committed, their files."""
    with transaction.atomic():
        names = list(DraftFile.objects.filter(draft__in=drafts).values_list("file", flat=True))
        _count, by_model = drafts.delete()
        discard_files_on_commit(names)
    return by_model.get(SubmissionDraft._meta.label, 0)


def prune(now: dt.datetime) -> int:
    """Housekeeping: drafts last saved more than SUBMISSION_DRAFT_KEEP_DAYS ago (submitted or
    not), with their files. Returns the number of drafts deleted."""
    expired = SubmissionDraft.objects.filter(updated_at__lt=now - keep_for())
    removed = 0
    while True:
        batch = list(expired.values_list("pk", flat=True)[:1000])
        if not batch:
            return removed
        removed += delete(SubmissionDraft.objects.filter(pk__in=batch))
