"""The index's own tables: one fact per received dossier and two monthly rollups.

Written only by `reporting.actions` (the subscriber to every dossier event, in the event's
transaction, and `rebuild`); read by `reporting.selectors`. Months are local months
(Asia/Ho_Chi_Minh), stored as their first day.

- `DossierFact`: what one received dossier contributes (`facts.Fact`); the subscriber compares
  the new fact with this one to move the rollups by the difference.
- `FlowRollup`: what happened in a month, per handling agency, sector and procedure: received
  (by channel, reusing data, identified from population data or VNeID, synced to the national
  portal, using the national data store, filed online and given only a paper result),
  finished early / on time / late, processing time, finished with a written result (and of
  those, with a signed electronic result, or digitized).
- `BalanceRollup`: per agency, sector and month, the dossiers received, ended and no longer
  in time ("stopped") in it; sums over the months before an instant give the dossiers
  carried over into a period and those still open and in time at its end.
- `PetitionFact`, `ComplaintFact`: the satisfaction group's (petitions, and the dossiers
  complained about or rated dissatisfied), written by `reporting.satisfaction_actions`.
- `AgencyMonth`: per agency and month, FlowRollup's counters summed over sectors and
  procedures and BalanceRollup's: what the index of a unit or of the province reads when no
  sector is chosen (a few rows per agency and month instead of one per procedure or sector).
- `StatusRollup`: per agency, sector and month of receipt, the dossiers by their status now
  (the statistics' status per unit).
- `StepFact`: one visit of a process step (processing's `StepChanged` event): which agency and
  who held the dossier there, from when to when, and the step's own due time (the statistics'
  late dossiers per officer and the dashboard's "who holds it").
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, Sector
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, User
from motcua.petitions.models import Petition
from motcua.processing.models import StepInstance


class DossierFact(models.Model):
    dossier = models.OneToOneField(Dossier, primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    code = models.CharField(max_length=48, default="")
    status = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)  # the legal due time, as it stands
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    channel = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, blank=True)  # early | on_time | late
    stop_at = models.DateTimeField(null=True, blank=True)  # in time until (facts.Fact)
    reused = models.BooleanField(default=False)
    processing_seconds = models.BigIntegerField(null=True, blank=True)
    had_pause = models.BooleanField(default=False)
    second_supplement_at = models.DateTimeField(null=True, blank=True)
    identified = models.BooleanField(default=False)  # population data or VNeID (4.5b)
    synced = models.BooleanField(default=False)  # acknowledged by the national portal (1.4)
    # the digitization group (facts.Fact): db_default, so that bulk loads stay valid
    with_result = models.BooleanField(default=False, db_default=False)
    written_result = models.BooleanField(default=False, db_default=False)
    e_result = models.BooleanField(default=False, db_default=False)  # 4.1, 3.3
    digitized = models.BooleanField(default=False, db_default=False)  # 4.2
    stored = models.BooleanField(default=False, db_default=False)  # 4.4

    class Meta:
        verbose_name = _("dossier fact of the index")
        indexes = [
            # the dossiers no longer in time during the current month (selectors)
            models.Index(fields=["stop_at", "agency", "sector"], name="fact_stop"),
            # the open dossiers near or past their due time (statistics, dashboard)
            models.Index(fields=["stop_at", "agency"], condition=models.Q(ended_at__isnull=True),
                         name="fact_open_stop"),
            # intake per day (statistics)
            models.Index(fields=["received_at", "agency"], name="fact_received"),
        ]
        permissions = [
            ("view_index", _("Can read the service-quality index of every unit")),
        ]


class FlowRollup(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    received = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    identified = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    stored = models.IntegerField(default=0, db_default=0)
    online_paper_only = models.IntegerField(default=0, db_default=0)
    ended_early = models.IntegerField(default=0)
    ended_on_time = models.IntegerField(default=0)
    ended_late = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    results_due = models.IntegerField(default=0, db_default=0)
    results_signed = models.IntegerField(default=0, db_default=0)
    results_digitized = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("monthly flow of the index")
        constraints = [
            models.UniqueConstraint(fields=["agency", "sector", "procedure", "month"],
                                    name="flowrollup_key"),
        ]
        indexes = [
            models.Index(fields=["month", "agency"], name="flowrollup_month"),
            # 3.2: the procedures with an online dossier in a period (index-only)
            models.Index(fields=["month", "agency", "procedure"],
                         condition=models.Q(received_online__gt=0), name="flowrollup_online"),
        ]


class BalanceRollup(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    received = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly balance of the index")
        constraints = [
            models.UniqueConstraint(fields=["agency", "sector", "month"],
                                    name="balancerollup_key"),
        ]
        indexes = [models.Index(fields=["month", "agency"], name="balancerollup_month")]


# --- the satisfaction group (5.1–5.3): petitions and ratings (reporting.satisfaction) ------


class PetitionFact(models.Model):
    """What one petition contributes to 5.1 and 5.2 (`satisfaction.PetitionFact`): its unit
    (the competent agency), sector and procedure, its receipt and handling, and the instants
    from which it is late, and no longer satisfied. Petitions are few (hundreds a year where
    dossiers are millions): the index reads these rows with one aggregate per request."""

    petition = models.OneToOneField(Petition, primary_key=True, on_delete=models.CASCADE,
                                    related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)
    late_from = models.DateTimeField(null=True, blank=True)
    unsatisfied_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("petition fact of the index")
        indexes = [models.Index(fields=["received_at", "agency"], name="petitionfact_received")]


class ComplaintFact(models.Model):
    """A dossier its applicant complained about (a petition about it) or was dissatisfied with
    (a rating), from the first such moment: 5.3 counts those among the period's dossiers (their
    `DossierFact`, joined by the dossier's id; a dossier not received yet has no fact)."""

    fact = models.OneToOneField(DossierFact, primary_key=True, db_column="dossier_id",
                                db_constraint=False, on_delete=models.DO_NOTHING,
                                related_name="complaint")
    complained_at = models.DateTimeField()

    class Meta:
        verbose_name = _("complaint about a dossier")
        indexes = [models.Index(fields=["complained_at"], name="complaintfact_at")]


class AgencyMonth(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    received = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    identified = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    stored = models.IntegerField(default=0, db_default=0)
    online_paper_only = models.IntegerField(default=0, db_default=0)
    ended_early = models.IntegerField(default=0)
    ended_on_time = models.IntegerField(default=0)
    ended_late = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    results_due = models.IntegerField(default=0, db_default=0)
    results_signed = models.IntegerField(default=0, db_default=0)
    results_digitized = models.IntegerField(default=0, db_default=0)
    ended = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly totals of an agency")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="agencymonth_key"),
        ]
        indexes = [models.Index(fields=["month", "agency"], name="agencymonth_month")]


class StatusRollup(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # of receipt
    status = models.PositiveSmallIntegerField()
    dossiers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("dossiers by status")
        constraints = [
            models.UniqueConstraint(fields=["agency", "sector", "month", "status"],
                                    name="statusrollup_key"),
        ]
        indexes = [models.Index(fields=["month", "agency"], name="statusrollup_month")]


class StepFact(models.Model):
    """A step visit as the statistics read it: `holder` is its assignee, else whoever acted
    on it (a head or leader acting on a step of the unit queue)."""

    step = models.OneToOneField(StepInstance, primary_key=True, on_delete=models.CASCADE,
                                related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    holder = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("step of a dossier, for the statistics")
        indexes = [
            models.Index(fields=["dossier", "started_at"], name="stepfact_dossier"),
            models.Index(fields=["dossier"], condition=models.Q(finished_at__isnull=True),
                         name="stepfact_open"),
        ]


class Export(models.Model):
    """A large statistics table written to a file by a background task (exports.py), with
    its progress; only its requester downloads it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    table = models.CharField(max_length=40)
    fmt = models.CharField(max_length=4)
    query = models.JSONField()  # the statistics query and the instant it is judged at
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    rows_done = models.IntegerField(default=0)
    rows_total = models.IntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("statistics export")
