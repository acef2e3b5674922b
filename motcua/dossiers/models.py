from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ComponentRequirement, Procedure, ProcedureVersion
from motcua.org.models import AdministrativeUnit, Agency


class Status(models.IntegerChoices):
    """Dossier statuses with the National Public Service Portal's numbers (DOMAIN.md §4)."""

    INTEROPERATING = 0, _("In inter-agency processing")
    SUBMITTED = 1, _("Submitted online, not yet received")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused at receipt")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT = 5, _("Supplement requested")
    PAYING = 6, _("Financial obligation due")
    WITHDRAWN = 7, _("Withdrawn by applicant")
    STOPPED = 8, _("Processing stopped")
    RESULT_READY = 9, _("Processed, result ready")
    RETURNED = 10, _("Result returned")

    @property
    def portal(self) -> str:
        return PORTAL_STATUS[self]


PORTAL_STATUS = {
    Status.INTEROPERATING: "interoperating",
    Status.SUBMITTED: "receiving",
    Status.RECEIVED: "new",
    Status.REFUSED: "denied",
    Status.PROCESSING: "processing",
    Status.SUPPLEMENT: "waiting",
    Status.PAYING: "paying",
    Status.WITHDRAWN: "cancelled",
    Status.STOPPED: "unresolved",
    Status.RESULT_READY: "releasing",
    Status.RETURNED: "done",
}


class Channel(models.IntegerChoices):
    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class ReturnMethod(models.TextChoices):
    """Where the applicant collects the result (their choice at intake, DOMAIN.md §4)."""

    UNIT = "unit", _("At a one-stop unit of the province")
    POSTAL = "postal", _("By the public postal service")
    ONLINE = "online", _("Online")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "org", _("Organisation")


class Representation(models.TextChoices):
    """How the person filing a dossier stands for its applicant (DOMAIN.md §2: an applicant
    "may act through a representative"; Civil Code 2015, Art. 134–138): by law, as a parent
    for a minor child or as an organisation's legal representative (Art. 136(1), 137), as a
    guardian for the ward (Art. 136(2)), or by authorization (Art. 138). The one vocabulary of
    the API, the admin and the slips; REPRESENTATION_DOCUMENTS names the paper proving each."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    GUARDIAN = "guardian", _("Guardian")
    AUTHORIZED = "authorized", _("Authorized person")


# The document that proves the representation: a required component of a dossier filed online
# by a representative (marked `authorization` in the submission).
REPRESENTATION_DOCUMENTS: dict[str, Promise] = {
    Representation.LEGAL_REPRESENTATIVE: _("Document proving the legal representation"),
    Representation.GUARDIAN: _("Document proving the guardianship"),
    Representation.AUTHORIZED: _("Authorization document"),
}
# A guardian stands for a person only.
REPRESENTATIONS_OF_ORGANISATIONS = frozenset({Representation.LEGAL_REPRESENTATIVE,
                                              Representation.AUTHORIZED})


class ComponentSource(models.TextChoices):
    """Where a component of a dossier comes from. Agencies may not ask again for a document
    that is in the applicant's data store or obtainable from a national database (DOMAIN.md
    §6); the national portal's sync records, per component, whether it was reused or taken
    from the national store (§7). An online submission declares it for each component."""

    UPLOAD = "upload", _("Uploaded by the applicant")
    REUSED = "reused", _("Reused from an earlier dossier or the applicant's data store")
    NATIONAL = "national", _("Taken from a national database")
    # The declaration filled in online: its values are the dossier's form_data, checked
    # against the component's e-form (catalog.eforms); no file.
    EFORM = "eform", _("Filled in online (e-form)")


class PaperForm(models.TextChoices):
    """What a component handed in on paper is: the original or a copy (the catalogue says
    which it asks for, ComponentRequirement.form). Checked and recorded by the one-stop officer
    at the counter; Form 01 prints it."""

    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")


FINAL_STATUSES = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.exclude(status__in=FINAL_STATUSES)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=48, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, db_index=True)

    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="received_dossiers"
    )
    handling_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="handled_dossiers"
    )

    applicant_kind = models.CharField(max_length=8, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant"), max_length=255)
    # the name folded (core.text.fold: no diacritics, đ→d, lower case), for the counter's
    # diacritic-insensitive search of earlier applicants (selectors.earlier_applicants);
    # written with the name, at creation (actions.create_dossier)
    applicant_name_folded = models.CharField(max_length=255, blank=True, db_default="",
                                             editable=False)
    applicant_id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    applicant_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_commune = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    representative_name = models.CharField(_("representative"), max_length=255, blank=True)
    # Filed by a representative (online: the account's holder, with the account's ID number):
    # how they stand for the applicant, and their personal ID number.
    representative_relationship = models.CharField(
        _("representative's relationship"), max_length=24, choices=Representation.choices,
        blank=True, default="", db_default="")
    representative_id_number = models.CharField(_("representative's personal ID number"),
                                                max_length=12, blank=True, default="",
                                                db_default="")
    # Where the result is returned: a one-stop unit of the province (return_agency), by post
    # (return_address) or online; chosen at intake, by default at the receiving unit.
    return_method = models.CharField(_("result returned"), max_length=8,
                                     choices=ReturnMethod.choices, default=ReturnMethod.UNIT,
                                     db_default=ReturnMethod.UNIT)
    return_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("unit returning the result"),
    )
    return_address = models.CharField(_("postal address for the result"), max_length=500,
                                      blank=True, db_default="")
    account = models.ForeignKey(  # the online account that owns the dossier
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="dossiers",
    )
    form_data = models.JSONField(default=dict, blank=True)

    submitted_at = models.DateTimeField(_("submitted"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    counted_from = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    # The legal due time (shifted by pauses) judges timeliness; the appointment given to the
    # applicant may move later with an apology (Form 04) but never changes the legal due time.
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # set while the clock is stopped
    # The legal duration applied at receipt (the procedure's own, or one of its cases chosen by
    # the dossier's data or by the officer with a reason); RESTART counts it again.
    duration_case = models.CharField(_("duration case"), max_length=40, blank=True,
                                     db_default="")
    duration_case_label = models.CharField(_("duration case label"), max_length=500,
                                           blank=True, db_default="")
    duration_value = models.PositiveIntegerField(_("duration applied"), null=True, blank=True)
    duration_unit = models.CharField(_("duration unit applied"), max_length=16, blank=True,
                                     db_default="")
    duration_reason = models.TextField(_("reason for the duration case"), blank=True,
                                       db_default="")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    supplements_after_receipt = models.PositiveSmallIntegerField(default=0)
    # A second supplement request after receipt (with its stated reason): the index counts the
    # dossier as late whatever its end time (DOMAIN.md §4, §5).
    # Why no competent agency could be found: while set, the dossier waits in its receiving
    # center's dispatch queue for a person to route it (handling_agency holds the center).
    dispatch_reason = models.TextField(_("waiting to be routed because"), blank=True,
                                       db_default="")
    counted_late = models.BooleanField(_("counted as late"), default=False, db_default=False)
    apologies = models.PositiveSmallIntegerField(default=0)
    # What the result is: the decision asked for, or a reasoned refusal to resolve it after
    # appraisal (Form 03, refusing to resolve; not a stop).
    outcome = models.CharField(_("outcome"), max_length=10, blank=True, db_default="",
                               choices=[("result", _("Result")),
                                        ("refusal", _("Refusal to resolve"))])
    # The dossier tracking book (Form 07) of the receiving unit: one book per unit and year of
    # receipt (its number is the year); the row is given at receipt and printed on Form 01.
    book_year = models.PositiveSmallIntegerField(_("tracking book"), null=True, blank=True)
    book_row = models.PositiveIntegerField(_("row in the tracking book"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Columns added after the first release carry database defaults (db_default): rows
    # inserted by SQL (bulk loads, bench/) or by an older release during a rolling deploy stay
    # valid.

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        indexes = [
            models.Index(fields=["receiving_agency", "status"]),
            models.Index(fields=["handling_agency", "status"]),
            models.Index(fields=["account", "submitted_at"]),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_book_period"),
            # an applicant reads the dossiers filed for them (policy.visible_dossiers)
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id",
                         condition=~models.Q(applicant_id_number="")),
            models.Index(fields=["applicant_tax_code"], name="dossier_applicant_tax",
                         condition=~models.Q(applicant_tax_code="")),
            # the counter finds an earlier applicant by a part of the name among its unit's
            # dossiers: the match is tested on the index's entries, not the table's rows
            models.Index(fields=["receiving_agency", "applicant_name_folded"],
                         name="dossier_counter_applicant"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["receiving_agency", "book_year", "book_row"],
                                    name="dossier_book_row_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class DailySequence(models.Model):
    """Last dossier number given per receiving agency per day (code `<agency>-<YYMMDD>-<NNNN>`)."""

    agency_code = models.CharField(max_length=32)
    day = models.DateField()
    last = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dailyseq_unique")
        ]


class YearlySequence(models.Model):
    """Last number given in a series that restarts every 1 January: the rows of a unit's
    tracking book (`books`), the numbers of an agency's official letters (`letters`)."""

    series = models.CharField(max_length=64)  # "book:<agency id>", "letter:<agency id>"
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="yearlyseq_unique")
        ]


def dossier_file_path(instance: DossierFile, filename: str) -> str:
    return f"dossiers/{instance.dossier.submitted_at:%Y/%m}/{instance.dossier_id}/{instance.sha256}"


class DossierComponent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    requirement = models.ForeignKey(
        ComponentRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.TextField(_("name"))
    copies = models.PositiveSmallIntegerField(default=1)
    is_paper = models.BooleanField(default=False)  # handed in on paper at the counter
    # for a paper component: the original or a copy ("": not said)
    paper_form = models.CharField(_("original or copy"), max_length=8, choices=PaperForm.choices,
                                  blank=True, default="", db_default="")
    source = models.CharField(_("source"), max_length=10, choices=ComponentSource.choices,
                              default=ComponentSource.UPLOAD, db_default=ComponentSource.UPLOAD)
    # For a reused component: the earlier dossier's code or the data store's document; for
    # one from a national database: which database or record (optional).
    reference = models.CharField(_("reference"), max_length=255, blank=True, default="",
                                 db_default="")
    # the document proving the representation of a dossier filed by a representative
    is_authorization = models.BooleanField(_("proves the representation"), default=False,
                                           db_default=False)
    # Required when the dossier was filed: by its procedure version's requirement, or as the
    # proof of the representation. Kept on the row (a dossier keeps the rules it was filed
    # under); an online dossier is received only once each required upload has its file.
    required = models.BooleanField(_("required"), default=False, db_default=False)

    class Meta:
        ordering = ["id"]


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        DossierComponent, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=dossier_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)


class DossierEvent(models.Model):
    """Append-only timeline: who, when, from which status to which, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("dossier events are append-only")
        super().save(*args, **kwargs)


class ClockPause(models.Model):
    """An interval during which the legal clock stood still (supplement, payment)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20)  # "supplement" | "payment"
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]


class SupplementRequest(models.Model):
    """Form 02: one slip listing everything missing."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField()  # list of {"name": ..., "note": ...}
    reason = models.TextField(blank=True)
    before_receipt = models.BooleanField(default=False)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]


class DossierRequest(models.Model):
    """A request to withdraw the dossier or to stop processing it (the applicant's), or a legal
    ground for stopping it (recorded by staff), until the competent agency decides on it."""

    class Kind(models.TextChoices):
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        STOP = "stop", _("Stop")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_applicant = models.BooleanField(default=True)  # else a legal ground found by staff
    reason = models.TextField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    granted = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            # one open request of each kind at a time
            models.UniqueConstraint(fields=["dossier", "kind"],
                                    condition=models.Q(decided_at__isnull=True),
                                    name="one_open_request_per_kind"),
        ]


class Apology(models.Model):
    """Form 04: apology with a new appointment, issued before the due date passes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apology_slips")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at"]


class Handover(models.Model):
    """Form 05 row: a dossier passing from one agency to another (inter-agency processing)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    step_due_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at"]


class LetterKind(models.TextChoices):
    """The forms of Circular 03/2025/TT-VPCP that are official letters (Decree 30/2020)."""

    APOLOGY = "04", _("Apology and request to extend the time (Form 04)")
    STOP = "05", _("Notice of stopping (Form 05)")


class Letter(models.Model):
    """An official letter issued for a dossier (Forms 04 and 05): its number in the issuing
    agency's yearly series, its notation, and the signer chosen when it was issued."""

    kind = models.CharField(_("letter"), max_length=2, choices=LetterKind.choices)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="letters")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("issuing agency"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    notation = models.CharField(_("number and notation"), max_length=64)  # "12/TB-UBND"
    issued_at = models.DateTimeField(_("issued"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signer"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_role = models.CharField(max_length=20, blank=True)  # leader | head | "" (none)

    class Meta:
        verbose_name = _("official letter")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"],
                                    name="letter_number_unique"),
        ]

    def __str__(self) -> str:
        return self.notation
