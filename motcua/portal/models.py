"""What the citizen portal keeps of its own: the online submissions being prepared (drafts).

A draft belongs to one account and one procedure version; each step of the submission saves
what was typed into `data`, and the files uploaded for its components, checked as the API
checks them (dossiers.uploads), are kept under the draft's key until it is submitted (they then
become the dossier's files) or deleted. Drafts not touched for SUBMISSION_DRAFT_KEEP_DAYS are
deleted by housekeeping (portal.drafts.prune). A submitted draft keeps its dossier: a second
submission of the same draft (a double click, the back button) finds it instead of filing
again.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ComponentRequirement, ProcedureVersion
from motcua.dossiers.models import Dossier


def keep_for() -> dt.timedelta:
    return dt.timedelta(days=settings.SUBMISSION_DRAFT_KEEP_DAYS)


class SubmissionDraft(models.Model):
    # In the draft's addresses instead of the row id: not guessable, and the idempotency key
    # of its submission.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="submission_drafts", verbose_name=_("owner"))
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("procedure version"))
    # The furthest step reached (portal.submission.STEPS), to resume there.
    step = models.CharField(_("step"), max_length=20)
    # What each step saved, as typed: {"applicant": {...}, "eform": {...}, ...}.
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now, db_index=True)
    dossier = models.OneToOneField(Dossier, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dossier"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission draft")
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner_recent")]

    def __str__(self) -> str:
        return str(self.key)

    @property
    def expires_at(self) -> dt.datetime:
        return self.updated_at + keep_for()


def draft_file_path(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft.key}/{instance.sha256}"


class DraftFile(models.Model):
    """A file uploaded for a component of a draft; `requirement` None with `authorization`:
    the document proving a representation (dossiers.models.REPRESENTATION_DOCUMENTS)."""

    draft = models.ForeignKey(SubmissionDraft, on_delete=models.CASCADE, related_name="files")
    requirement = models.ForeignKey(ComponentRequirement, null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    authorization = models.BooleanField(default=False)
    file = models.FileField(upload_to=draft_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
