from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.workcalendar.rules import (
    UNIT_CALENDAR_DAYS,
    UNIT_SAME_DAY,
    UNIT_WORKING_DAYS,
    UNIT_WORKING_HOURS,
    Duration,
    add_months,
)

# The longest validity a result may be given (ProcedureVersion.result_valid_months): 100 years.
RESULT_VALID_MONTHS_MAX = 1200

# A national procedure code, e.g. 1.001193 (National Database of administrative procedures).
CODE_RE = re.compile(r"^\d\.\d{6}$")


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("sector")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetenceBasis(models.TextChoices):
    """What decides which agency is competent for a dossier (Decree 118/2025, DOMAIN.md §4)."""

    FILING_UNIT = "filing_unit", _("The unit where it is filed")
    RESIDENCE = "residence", _("The applicant's residence")
    PROPERTY = "property", _("The property's location")
    EVENT_PLACE = "event_place", _("The place of the event")
    NEW_RESIDENCE = "new_residence", _("The new residence")
    NAMED_AGENCY = "named_agency", _("A named agency")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    BOTH = "both", _("Province and commune")


def search_text(text: str) -> str:
    """Folded words separated by single spaces ('Đăng ký khai sinh, X' → 'dang ky khai sinh x'),
    so that whole words can be matched with LIKE on any database."""
    from motcua.core.text import fold

    return " ".join(re.findall(r"\w+", fold(text)))


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def search(self, text: str) -> ProcedureQuerySet:
        """Every word of `text` must be a whole word of the name (diacritics and case are
        ignored, đ = d) or a prefix of the national code. Whole words, because folding makes
        short syllables ambiguous: "tử" and "tục" both start with "tu"."""
        from motcua.core.text import fold

        qs = self
        for word in re.findall(r"[\w.]+", fold(text)):
            code_prefix = Q(code__startswith=word)
            word = word.strip(".")
            if not word:
                continue
            qs = qs.filter(
                code_prefix
                | Q(name_folded=word)
                | Q(name_folded__startswith=f"{word} ")
                | Q(name_folded__endswith=f" {word}")
                | Q(name_folded__contains=f" {word} ")
            )
        return qs


class Procedure(models.Model):
    """The stable identity of a procedure; its content lives in dated versions."""

    # Null while the national code is not confirmed ("?" in the national data): never invented.
    code = models.CharField(
        _("national code"), max_length=20, unique=True, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=1000)  # of the newest version, for listing
    name_folded = models.CharField(max_length=1000, db_index=True, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures",
                               verbose_name=_("sector"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code or '?'} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = search_text(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    def version_on(self, day: dt.date) -> ProcedureVersion | None:
        """The version in force on `day`: a dossier keeps the one in force when received."""
        return ProcedureVersion.objects.filter(procedure=self).in_force_on(day).first()


class DurationUnit(models.TextChoices):
    WORKING_DAYS = UNIT_WORKING_DAYS, _("working days")
    WORKING_HOURS = UNIT_WORKING_HOURS, _("working hours")
    CALENDAR_DAYS = UNIT_CALENDAR_DAYS, _("calendar days")
    SAME_DAY = UNIT_SAME_DAY, _("same working day")


class SupplementMode(models.TextChoices):
    PAUSE = "pause", _("Pause: the due date shifts by the paused working time")
    RESTART = "restart", _("Restart: the full duration counts again")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online")
    PARTIAL = "partial", _("Partial online")
    NONE = "none", _("Not online")


# A case key: lower-case letters, digits and "_" (e.g. "individual_house"); DEFAULT_CASE names
# the version's own duration (duration_value/duration_unit) when an officer chooses it.
CASE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_CASE = "default"


@dataclass(frozen=True)
class DurationCase:
    """One of a procedure's alternative legal durations (e.g. marriage: the same day, or 5
    working days when verification is needed), stored in ProcedureVersion.duration_cases.

    `when_field`/`when_equals`: a declared rule on the dossier's data
    (`form_data.can_xac_minh` equals true) that selects the case by itself; without one the
    officer chooses the case at receipt, with a reason."""

    key: str
    label_vi: str
    label_en: str
    value: int
    unit: str
    online_value: int | None = None
    when_field: str = ""
    when_equals: Any = None
    source: str = ""

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DurationCase:
        when = raw.get("when") or {}
        return cls(
            key=raw["key"], label_vi=raw["label_vi"], label_en=raw.get("label_en", ""),
            value=raw["value"], unit=raw["unit"], online_value=raw.get("online_value"),
            when_field=when.get("field", ""), when_equals=when.get("equals"),
            source=raw.get("source", ""),
        )

    @property
    def label(self) -> str:
        """In the active language: Vietnamese unless English is asked for and given."""
        lang = get_language() or "vi"
        return self.label_en if lang.startswith("en") and self.label_en else self.label_vi

    def duration(self, *, online: bool = False) -> Duration:
        return Duration(self.online_value if online and self.online_value else self.value,
                        self.unit)

    def applies_to(self, form_data: dict[str, Any]) -> bool:
        """True when the declared rule holds on the dossier's data; False without a rule."""
        if not self.when_field:
            return False
        value: Any = {"form_data": form_data}
        for part in self.when_field.split("."):
            if not isinstance(value, dict) or part not in value:
                return False
            value = value[part]
        return bool(value == self.when_equals)


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force_on(self, day: dt.date) -> ProcedureVersionQuerySet:
        """The versions in force on `day`, the latest first (one per procedure once the
        publication rules hold)."""
        return (self.filter(effective_from__lte=day)
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
                .order_by("-effective_from"))


class ProcedureVersion(models.Model):
    """One rule set of a procedure, in force from `effective_from` until `effective_to`."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("procedure"))
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)

    name = models.CharField(_("name"), max_length=1000)
    name_en = models.CharField(_("English name"), max_length=1000, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    implementing_agency = models.TextField(_("implementing agency"), blank=True)
    competent_agency = models.TextField(_("competent agency"), blank=True)
    # Which kind of agency handles dossiers of this procedure (routing by level and commune).
    handling_agency_kind = models.CharField(_("handling agency kind"), max_length=20, blank=True)
    competence_basis = models.CharField(_("competence basis"), max_length=16,
                                        choices=CompetenceBasis.choices,
                                        default=CompetenceBasis.RESIDENCE)
    # for NAMED_AGENCY: the agency's code; empty = a person routes each dossier by hand
    competent_agency_code = models.CharField(_("competent agency code"), max_length=32,
                                             blank=True)
    # On the province's published list: any one-stop unit of the province receives it.
    any_boundary = models.BooleanField(_("received regardless of administrative boundary"),
                                       default=False)
    steps = models.TextField(_("sequence of steps"), blank=True)
    method = models.TextField(_("method"), blank=True)
    applicant_types = models.JSONField(_("applicant types"), default=list)  # ["person", "org"]

    duration_value = models.PositiveIntegerField(_("statutory duration"), null=True, blank=True)
    duration_unit = models.CharField(
        _("duration unit"), max_length=16, choices=DurationUnit.choices, blank=True
    )
    duration_text = models.TextField(_("duration as published"), blank=True)
    online_duration_value = models.PositiveIntegerField(_("duration when submitted online"),
                                                        null=True, blank=True)
    # Only for same-day durations (DOMAIN.md section 4); the importer refuses it elsewhere.
    cutoff = models.TimeField(_("same-day cut-off"), null=True, blank=True)
    # Alternative legal durations chosen by case (DurationCase as JSON, in the file's order);
    # duration_value/duration_unit stay the duration when no case applies.
    duration_cases = models.JSONField(_("durations by case"), default=list, blank=True)
    supplement_mode = models.CharField(
        _("clock during a supplement"), max_length=8, choices=SupplementMode.choices,
        default=SupplementMode.PAUSE,
    )
    pause_on_payment = models.BooleanField(
        _("clock stops while a financial obligation is due"), default=False
    )
    # Form 04 letters allowed per dossier: once by default (DOMAIN.md §4), 0..9 (local.yaml)
    max_apologies = models.PositiveSmallIntegerField(
        _("apologies allowed"), default=1, validators=[MaxValueValidator(9)])

    results = models.TextField(_("results"), blank=True)
    # How long the signed result stays valid from its issue (records.results.open_result);
    # the national data gives no such period: a deployment setting (local.yaml), none by
    # default (no end date).
    result_valid_months = models.PositiveSmallIntegerField(
        _("result valid for (months)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RESULT_VALID_MONTHS_MAX)],
        help_text=_("How many months the result stays valid from the day it is issued; "
                    "empty: no end date."))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    online_level = models.CharField(
        _("online service level"), max_length=8, choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    decision_number = models.CharField(_("publishing decision"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    legal_effective_date = models.DateField(_("legal effective date"), null=True, blank=True)
    made_public_at = models.DateField(_("made public in the national DB"), null=True, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    unconfirmed = models.JSONField(_("unconfirmed fields"), default=list,
                                   blank=True)  # fields published as "?"
    # Fields the source backs with a citation, as listed by the national data file.
    confirmed = models.JSONField(_("confirmed by a cited source"), default=list, blank=True)
    retrieved_via = models.TextField(_("retrieved via"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        ordering = ["procedure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code or '?'} v{self.number}"

    def cases(self) -> list[DurationCase]:
        return [DurationCase.from_json(raw) for raw in self.duration_cases or []]

    def case(self, key: str) -> DurationCase | None:
        return next((c for c in self.cases() if c.key == key), None)

    def case_for(self, form_data: dict[str, Any]) -> DurationCase | None:
        """The first case whose declared rule holds on the dossier's data, else None (the
        version's own duration applies)."""
        return next((c for c in self.cases() if c.applies_to(form_data)), None)

    def result_valid_until(self, issued_on: dt.date) -> dt.date | None:
        """The last day a result issued on `issued_on` is valid (None: no end date)."""
        if not self.result_valid_months:
            return None
        return add_months(issued_on, self.result_valid_months)

    def duration(self, *, online: bool = False) -> Duration | None:
        value = self.online_duration_value if online and self.online_duration_value else None
        value = value or self.duration_value
        if not value or not self.duration_unit:
            return None
        return Duration(value, self.duration_unit)


class NationalSource(models.TextChoices):
    """The national database an agency takes a component from instead of asking the applicant
    for it (DOMAIN.md §6: a document obtainable from a national database may not be asked
    for), looked up by the applicant's ID number (or, for the business registry, tax code)
    through the integration app's adapter of that system."""

    POPULATION = "population", _("National population database")
    BUSINESS = "business", _("National business registry")
    CIVIL_STATUS = "civil_status", _("Civil status database")
    JUDICIAL = "judicial", _("Judicial records database")


class ComponentRequirement(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        EITHER = "either", _("Original or copy")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40, blank=True)
    name = models.TextField(_("name"))
    form = models.CharField(max_length=10, choices=Form.choices, default=Form.ORIGINAL)
    quantity = models.PositiveSmallIntegerField(default=1, null=True, blank=True)  # null: "?"
    required = models.BooleanField(_("required"), default=True)
    condition = models.TextField(_("condition"), blank=True)
    digitization_required = models.BooleanField(default=False)
    eform_schema = models.JSONField(null=True, blank=True)
    # the national database the agency can take it from ("": none; national_sources.yaml)
    national_source = models.CharField(_("national database"), max_length=20, blank=True,
                                       default="", db_default="",
                                       choices=NationalSource.choices)

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name[:80]


class FeeApplies(models.TextChoices):
    """When a published fee is charged (catalog.fees reads it). The national database lists
    alternatives side by side (in person or online, a copy only if asked for, a fee of a
    representative office abroad): summing every line overcharged 11 of the 37 reference
    procedures."""

    ANY = "any", _("On every channel")
    IN_PERSON = "in_person", _("When filed in person")
    REMOTE = "remote", _("When filed online or by post")
    ON_REQUEST = "on_request", _("Only when the applicant asks for it")
    ELSEWHERE = "elsewhere", _("Charged by another body, not here")


class Fee(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=500)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    note = models.TextField(blank=True)
    applies = models.CharField(_("charged"), max_length=12, choices=FeeApplies.choices,
                               default=FeeApplies.ANY)

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name
