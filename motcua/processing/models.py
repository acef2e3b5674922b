"""Internal processes (versioned, per procedure), their runs on dossiers, steps, escalations.

A `Process` holds a validated definition (the dict format of `definition.py`). A dossier that
starts a `ProcessRun` keeps the process version it started with. Each `StepInstance` is one
visit of a step: its unit (agency + role), assignee (null = the unit queue), its own due time
from its allotment, and the action that ended it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.processing import definition as defn


class Source(models.TextChoices):
    YAML = "yaml", _("YAML file")
    BPMN = "bpmn", _("BPMN 2.0 import")
    ADMIN = "admin", _("Administration pages")


class ProcessQuerySet(models.QuerySet["Process"]):
    def in_force_on(self, day: dt.date) -> ProcessQuerySet:
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=day)
        )


class Process(models.Model):
    """One version of a procedure's internal process (or of a variant for an agency kind)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="processes",
                                  verbose_name=_("procedure"))
    # A variant for dossiers handled by agencies of this kind; blank = the default process.
    agency_kind = models.CharField(_("agency kind"), max_length=20, blank=True)
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=1000)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    definition = models.JSONField(_("definition"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"),
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["procedure", "agency_kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency_kind", "number"], name="process_version_unique"
            ),
        ]

    def __str__(self) -> str:
        variant = f" [{self.agency_kind}]" if self.agency_kind else ""
        return f"{self.procedure.code or '?'}{variant} v{self.number}"

    @property
    def parsed(self) -> defn.ProcessDef:
        """The definition as a ProcessDef (validated when published), parsed once per process
        version and worker: a stored version never changes (a new one is published instead)."""
        # compared, not trusted by id alone: a test database reuses ids after a rollback
        found = _PARSED.get(self.pk)
        if found is None or found[0] != self.definition:
            found = (self.definition, defn.parse(self.definition))
            if self.pk is not None:
                _PARSED[self.pk] = found
        return found[1]


# process version id -> (its stored definition, parsed)
_PARSED: dict[int, tuple[Any, defn.ProcessDef]] = {}


class ProcessRun(models.Model):
    """A dossier going through a process version."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="process_run")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.dossier_id} / {self.process}"


class StepInstance(models.Model):
    """One visit of a process step by a dossier."""

    run = models.ForeignKey(ProcessRun, on_delete=models.CASCADE, related_name="steps")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=40)
    name = models.CharField(_("step"), max_length=255)
    role = models.CharField(_("role"), max_length=20)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="steps")
    assignee = models.ForeignKey(  # null: in the unit queue
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_steps",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)  # the action that ended the step
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)
    # Paused for the applicant (supplement) or a payment; the step's clock stands still.
    waiting = models.BooleanField(default=False)
    waiting_since = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a step at an agency other than the dossier's handling and receiving ones (liên
    # thông): the handling agency, whose "handed over" worklist shows it.
    handed_over_by = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("process step")
        ordering = ["started_at", "id"]
        indexes = [
            # INCLUDE: the worklist counts read these indexes only (index-only scans)
            models.Index(
                fields=["assignee", "due_at"], include=["agency", "role", "waiting"],
                condition=Q(finished_at__isnull=True), name="step_open_assignee_due",
            ),
            models.Index(
                fields=["agency", "role", "due_at"], include=["waiting"],
                condition=Q(finished_at__isnull=True, assignee__isnull=True),
                name="step_open_queue_due",
            ),
            models.Index(
                fields=["agency", "due_at"], include=["waiting"],
                condition=Q(finished_at__isnull=True), name="step_open_agency_due",
            ),
            models.Index(
                fields=["due_at"], condition=Q(finished_at__isnull=True), name="step_open_due",
            ),
            models.Index(
                fields=["handed_over_by", "due_at"],
                condition=Q(finished_at__isnull=True, handed_over_by__isnull=False),
                name="step_open_handed_over_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.dossier_id})"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class Escalation(models.Model):
    """A warning sent once: per (step, kind) for step warnings, per (dossier, kind) otherwise."""

    class Kind(models.TextChoices):
        STEP_DUE_SOON = "step_due_soon", _("Step due soon")
        STEP_LATE = "step_late", _("Step late")
        DOSSIER_DUE_SOON = "dossier_due_soon", _("Legal due time near")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(
        StepInstance, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    recipients = models.JSONField(default=list)  # usernames

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["step", "kind"], condition=Q(step__isnull=False),
                name="escalation_once_per_step",
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind"], condition=Q(step__isnull=True),
                name="escalation_once_per_dossier",
            ),
        ]


class StepAgency(models.Model):
    """Which agency handles a step whose selector is a province-level agency kind, where the
    kind alone is ambiguous (a province has several departments and sector agencies: police,
    tax, social insurance). Per deployment, edited in the administration pages.

    `step_key` is a step's key, or a prefix ending in "*" ("thue_*": every tax step); a rule
    for one procedure wins over a rule for every procedure, an exact key over a prefix, a
    longer prefix over a shorter one.
    """

    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("procedure"), help_text=_("empty: every procedure"),
    )
    step_key = models.CharField(_("step key"), max_length=41)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("agency"))

    class Meta:
        verbose_name = _("step agency")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "step_key"], name="stepagency_unique",
                                    condition=Q(procedure__isnull=False)),
            models.UniqueConstraint(fields=["step_key"], name="stepagency_unique_any",
                                    condition=Q(procedure__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.step_key} → {self.agency.code}"

    def matches(self, key: str) -> bool:
        if self.step_key.endswith("*"):
            return key.startswith(self.step_key[:-1])
        return key == self.step_key

    def rank(self) -> tuple[int, int, int]:
        """Higher is more specific."""
        exact = not self.step_key.endswith("*")
        return (self.procedure_id is not None, exact, len(self.step_key))
