"""Ratings of finished dossiers and petitions to the competent agency (DOMAIN.md §5, group 5).

Written only by `petitions.actions`; read through `petitions.selectors` and `petitions.policy`.
The index (reporting) reads the fields it names in `reporting.indicators`: a rating's
`disliked`; a petition's `received_at`, `deadline`, `handled_at`, `rating`, `repeated` and
`dossier`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency


class Rating(models.Model):
    """The applicant's rating of a finished dossier: satisfied or not, with the reason (required
    when dissatisfied). One per dossier and person, final once given."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("dossier"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("rated by"))
    disliked = models.BooleanField(_("dissatisfied"))
    reason = models.TextField(_("reason"), blank=True)
    rated_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("rating of a dossier")
        ordering = ["rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "by"], name="one_rating_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'-' if self.disliked else '+'}"


class Topic(models.TextChoices):
    """What a petition is about: shown beside the index, not scored (DOMAIN.md §5)."""

    RULES = "rules", _("The rules and the procedure")
    CONDUCT = "conduct", _("How staff handled it")


class Outcome(models.TextChoices):
    """What the competent agency does with a petition (`actions.answer_petition`)."""

    ANSWER = "answer", _("Answer it")
    REFUSE = "refuse", _("Refuse to handle it")
    CLARIFY = "clarify", _("Ask the petitioner for more information")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Petition(models.Model):
    """A petition or complaint ("phản ánh, kiến nghị") about a dossier or a procedure, handled
    by the competent agency on the legal clock (`rules`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the agency")
        WAITING = "waiting", _("Waiting for the petitioner's information")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    petitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("petitioner"))
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("dossier"))
    # about a dossier: its procedure (the index's sector reads it)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("procedure"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("competent agency"))
    topic = models.CharField(_("about"), max_length=10, choices=Topic.choices)
    text = models.TextField(_("petition"))
    received_at = models.DateTimeField(_("received"))
    # the clock counts from the receipt, or from the information the agency asked for
    counted_from = models.DateTimeField(_("counted from"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    # asking for more information (once): the question, when, and the petitioner's answer
    question = models.TextField(_("information asked for"), blank=True)
    asked_at = models.DateTimeField(_("information asked on"), null=True, blank=True)
    information = models.TextField(_("information given"), blank=True)
    informed_at = models.DateTimeField(_("information given on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)  # or the reason of a refusal
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("answered by"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    # a refusal after its 2 working days, or a question after its 5: late from then on
    late_since = models.DateTimeField(_("late since"), null=True, blank=True)
    rating = models.CharField(_("petitioner's rating"), max_length=12, blank=True,
                              choices=Satisfaction.choices)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # a petition repeating an earlier, handled one of the same petitioner on the same matter
    repeated = models.BooleanField(_("repeated"), default=False)
    repeats = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("repeats"))

    class Meta:
        verbose_name = _("petition")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "deadline"], name="petition_worklist"),
            models.Index(fields=["petitioner", "received_at"], name="petition_petitioner"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def disliked(self) -> bool:
        return self.rating == Satisfaction.DISSATISFIED


OPEN_STATUSES = (Petition.Status.OPEN, Petition.Status.WAITING)
HANDLED_STATUSES = (Petition.Status.ANSWERED, Petition.Status.REFUSED)
