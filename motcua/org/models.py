from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.org.identifiers import InvalidIdentifier, validate_agency_code


def agency_code_validator(value: str) -> None:
    """Field validator (admin and forms): the QCVN 102:2016 identifier code format."""
    try:
        validate_agency_code(value)
    except InvalidIdentifier as exc:
        raise ValidationError(str(exc), code=exc.code) from exc


class AdministrativeUnit(models.Model):
    """A province or a commune (ward, commune, special zone) after the 2025 reorganization."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("code"), max_length=8, unique=True)  # GSO code, e.g. "01", "00070"
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("division type"), max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent unit"),
    )

    class Meta:
        verbose_name = _("administrative unit")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    def province(self) -> AdministrativeUnit:
        return self.parent if self.parent_id and self.parent else self


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def by_code(self, code: str) -> Agency:
        """The agency holding `code` now, or the one that held it before a code change.

        Raises Agency.DoesNotExist when no agency has ever held the code.
        """
        code = (code or "").strip()
        agency = self.filter(code=code).first()
        if agency is not None:
            return agency
        agency = (
            self.filter(code_history__old_code=code)
            .order_by("-code_history__changed_at", "-code_history__pk")
            .first()
        )
        if agency is None:
            raise self.model.DoesNotExist(f"No agency has held the code {code!r}.")
        return agency


class Agency(models.Model):
    """An agency with its identifier code (QCVN 102:2016 style, e.g. 000.00.14.H56)."""

    class Kind(models.TextChoices):
        PROVINCE_PC = "province_pc", _("Provincial People's Committee")
        PC_OFFICE = "pc_office", _("Office of the People's Committee")
        DEPARTMENT = "department", _("Provincial department")
        PROVINCE_CENTER = "province_center", _("Provincial public administrative service center")
        COMMUNE_CENTER = "commune_center", _("Commune public administrative service center")
        COMMUNE_PC = "commune_pc", _("Commune People's Committee")
        SECTOR = "sector", _("Sector agency")

    code = models.CharField(
        _("identifier code"), max_length=32, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False, default="")
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="agencies",
        verbose_name=_("administrative unit"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent agency"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def receives_dossiers(self) -> bool:
        return self.kind in {self.Kind.PROVINCE_CENTER, self.Kind.COMMUNE_CENTER}


class AgencyCodeChange(models.Model):
    """History of identifier codes: codes change when units merge; old codes still resolve."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="code_history")
    old_code = models.CharField(max_length=32, db_index=True)
    new_code = models.CharField(max_length=32)
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"


class User(AbstractUser):
    """Staff, citizens' online accounts and integrating systems."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen or business")
        SYSTEM = "system", _("Integrating system")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # A citizen's 12-digit personal identification number, or an organisation's tax code.
    national_id = models.CharField(
        _("personal ID number"), max_length=12, blank=True, db_index=True
    )
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD = "head", _("Head of unit")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


# Who leads an agency: assigns its work, acts on any of its steps, is warned of its late ones.
HEADS = frozenset({Role.HEAD.value, Role.LEADER.value})


class StaffRoleQuerySet(models.QuerySet["StaffRole"]):
    def active(self) -> StaffRoleQuerySet:
        return self.filter(is_active=True, agency__is_active=True)


class StaffRole(models.Model):
    """A role a staff member holds in one agency. A person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles",
                             verbose_name=_("staff member"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff_roles",
                               verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="staffrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency.code}"
