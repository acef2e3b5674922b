"""Every change to the catalogue: one transaction, one audit row.

A procedure's rules are never edited in place once published: a change publishes a new
version from a date and closes the previous one on that date, so a dossier keeps the version in
force on the day it was received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    ComponentRequirement,
    Fee,
    Procedure,
    ProcedureVersion,
    search_text,
)
from motcua.core import audit
from motcua.core.errors import InvalidInput

# Version fields a new version may change; the rest (identity, dates, number) are set here.
VERSION_FIXED_FIELDS = frozenset({"id", "procedure", "number", "effective_from", "effective_to"})
VERSION_EDITABLE_FIELDS = frozenset(
    f.name for f in ProcedureVersion._meta.concrete_fields if f.name not in VERSION_FIXED_FIELDS
)
COMPONENT_FIELDS = (
    "code", "name", "form", "quantity", "required", "condition", "digitization_required",
    "eform_schema",
)
FEE_FIELDS = ("name", "amount_vnd", "note", "applies")


def latest_version(procedure: Procedure) -> ProcedureVersion | None:
    """The newest version: the one in force now or, if published ahead, from a later date."""
    return procedure.versions.order_by("-effective_from", "-number").first()


def supersede(
    procedure: Procedure,
    base: ProcedureVersion | None,
    *,
    fields: Mapping[str, Any],
    components: Iterable[Mapping[str, Any]] | None,
    fees: Iterable[Mapping[str, Any]] | None,
    effective_from: dt.date,
) -> ProcedureVersion:
    """Write a new version: `base`'s content with `fields` applied, in force from
    `effective_from`; `base` closes on that date. `components`/`fees` replace `base`'s when
    given, else they are copied. Call inside a transaction holding the procedure's row lock."""
    if base is not None and effective_from < base.effective_from:
        raise InvalidInput(
            _(
                "Procedure %(code)s: a new version cannot take effect on %(date)s, before the "
                "version %(number)s in force from %(from)s."
            )
            % {
                "code": procedure.code or procedure.name,
                "date": effective_from.isoformat(),
                "number": base.number,
                "from": base.effective_from.isoformat(),
            },
            code="effective_from_too_early",
        )
    values: dict[str, Any] = {}
    if base is not None:
        values = {
            f.attname: getattr(base, f.attname)
            for f in ProcedureVersion._meta.concrete_fields
            if f.name not in VERSION_FIXED_FIELDS
        }
    values.update(fields)
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProcedureVersion(
        procedure=procedure, number=number, effective_from=effective_from, **values
    )
    # applicant_types: an empty list is valid (no restriction) though Django calls it blank.
    version.full_clean(exclude=["procedure", "applicant_types"], validate_unique=False)
    if not isinstance(version.applicant_types, list):
        raise ValidationError({"applicant_types": _("A list is expected.")})

    if components is None:
        component_rows = [
            {name: getattr(c, name) for name in COMPONENT_FIELDS}
            for c in (base.components.all() if base is not None else [])
        ]
    else:
        component_rows = [dict(c) for c in components]
    if fees is None:
        fee_rows = [
            {name: getattr(f, name) for name in FEE_FIELDS}
            for f in (base.fees.all() if base is not None else [])
        ]
    else:
        fee_rows = [dict(f) for f in fees]
    new_components = [
        ComponentRequirement(position=i, **row) for i, row in enumerate(component_rows, 1)
    ]
    new_fees = [Fee(position=i, **row) for i, row in enumerate(fee_rows, 1)]
    for obj in [*new_components, *new_fees]:
        obj.full_clean(exclude=["version"])

    if base is not None:
        base.effective_to = effective_from
        base.save(update_fields=["effective_to"])
    version.save()
    for component in new_components:
        component.version = version
    for fee in new_fees:
        fee.version = version
    ComponentRequirement.objects.bulk_create(new_components)
    Fee.objects.bulk_create(new_fees)
    _sync_listing(procedure)
    return version


def _sync_listing(procedure: Procedure) -> None:
    """Procedure.name/name_folded/level follow the newest version (used for listing)."""
    newest = latest_version(procedure)
    if newest is None:
        return
    name_folded = search_text(newest.name)
    if (procedure.name, procedure.name_folded, procedure.level) != (
        newest.name, name_folded, newest.level,
    ):
        procedure.name, procedure.name_folded, procedure.level = (
            newest.name, name_folded, newest.level,
        )
        procedure.save(update_fields=["name", "name_folded", "level"])


def publish_version(
    procedure: Procedure,
    *,
    changes: Mapping[str, Any],
    effective_from: dt.date,
    actor: Any,
) -> ProcedureVersion:
    """Publish a new version of `procedure`: the version in force is copied with its
    components and fees, `changes` applied, and it closes on `effective_from`.

    `changes` holds version fields (e.g. ``{"duration_value": 5}``) and optionally
    ``components``/``fees``: lists of dicts that replace the copied ones. An `effective_from`
    earlier than the in-force version's is refused (history is never rewritten).
    """
    unknown = set(changes) - VERSION_EDITABLE_FIELDS - {"components", "fees"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for key, allowed in (("components", COMPONENT_FIELDS), ("fees", FEE_FIELDS)):
        for row in changes.get(key) or []:
            extra = set(row) - set(allowed)
            if extra:
                raise InvalidInput(
                    _("Unknown fields in %(part)s: %(fields)s.")
                    % {"part": key, "fields": ", ".join(sorted(extra))},
                    code="unknown_field",
                )
    fields = {k: v for k, v in changes.items() if k not in ("components", "fees")}
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        base = latest_version(locked)
        if base is None:
            raise InvalidInput(
                _("Procedure %(code)s has no version to copy.")
                % {"code": locked.code or locked.name},
                code="no_version",
            )
        version = supersede(
            locked,
            base,
            fields=fields,
            components=changes.get("components"),
            fees=changes.get("fees"),
            effective_from=effective_from,
        )
        audit.record(
            actor,
            "catalog.version_published",
            version,
            procedure=locked.code,
            number=version.number,
            previous=base.number,
            effective_from=effective_from.isoformat(),
            changed=sorted(changes),
        )
    procedure.refresh_from_db()
    return version


def set_active(procedure: Procedure, active: bool, actor: Any) -> Procedure:
    """Offer or withdraw a procedure (withdrawn ones leave the public catalogue and intake)."""
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            audit.record(
                actor,
                "catalog.procedure_activated" if active else "catalog.procedure_deactivated",
                locked,
                procedure=locked.code,
            )
    procedure.is_active = active
    return procedure
