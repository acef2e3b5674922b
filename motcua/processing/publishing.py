"""Publishing process definitions: validated, versioned, audited.

The step actions on running dossiers live in `actions.py`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.audit import record
from motcua.core.errors import InvalidInput
from motcua.org.models import Agency, User
from motcua.processing import definition as defn
from motcua.processing.models import Process, Source
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import working_day_hours


class InvalidProcess(InvalidInput):
    """The definition cannot be published; `problems` lists every reason."""

    code = "invalid_process"

    def __init__(self, procedure: str, problems: list[str]) -> None:
        super().__init__(
            _("The process of %(procedure)s cannot be published:\n- %(problems)s")
            % {"procedure": procedure, "problems": "\n- ".join(problems)},
            problems=problems,
        )
        self.problems = problems


def canonical(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as stored: JSON values only, without the publishing date."""
    data = {k: v for k, v in raw.items() if k != "effective_from"}
    stored: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    return stored


def check(procedure: Procedure, raw: Any, *, effective_from: dt.date) -> defn.ProcessDef:
    """The parsed definition, or InvalidProcess listing every problem: the definition's own
    (definition.parse, with the statutory duration in force on `effective_from` as the budget)
    and those only the database knows (the procedure, agencies named by code)."""
    label = procedure.code or str(procedure.pk)
    if not isinstance(raw, Mapping):
        raise InvalidProcess(label, [_("the definition must be a mapping")])
    problems: list[str] = []
    if str(raw.get("procedure") or "").strip() != (procedure.code or ""):
        problems.append(
            _("procedure: the definition is for %(got)r, not %(want)s")
            % {"got": raw.get("procedure"), "want": procedure.code}
        )
    version = procedure.version_on(effective_from)
    budget = None
    if version is None:
        problems.append(_("the procedure has no version in force on %(day)s")
                        % {"day": effective_from.isoformat()})
    else:
        try:
            budget = defn.budget_hours(version.duration_value, version.duration_unit,
                                       working_day_hours())
        except ValueError as exc:
            problems.append(str(exc))
    parsed = None
    try:
        parsed = defn.parse(raw, budget_hours=budget)
    except defn.DefinitionError as exc:
        problems += exc.problems
    for step in raw.get("steps") or []:
        agency = step.get("agency") if isinstance(step, Mapping) else None
        if isinstance(agency, str) and agency.startswith("code:") and len(agency) > 5:
            try:
                found = Agency.objects.by_code(agency[5:])
            except Agency.DoesNotExist:
                problems.append(_("step %(key)s: no agency has the code %(code)s")
                                % {"key": step.get("key"), "code": agency[5:]})
                continue
            if not found.is_active:
                problems.append(_("step %(key)s: the agency %(code)s is not active")
                                % {"key": step.get("key"), "code": agency[5:]})
    if problems or parsed is None:
        raise InvalidProcess(label, problems)
    return parsed


def publish_process(
    procedure: Procedure, raw: Mapping[str, Any], *, source: str = Source.YAML,
    effective_from: dt.date | None = None, actor: User | None = None,
    now: dt.datetime | None = None,
) -> Process:
    """Publish a process definition for `procedure`.

    Refused (InvalidProcess, listing every problem) when the definition is invalid or its
    allotments do not fit in the statutory duration. Idempotent: when the definition equals the
    latest version's, that version is returned unchanged. Otherwise a new version is created,
    in force from `effective_from` (the definition's own `effective_from`, else today), and the
    previous one is closed that day; dossiers already running keep their version.
    """
    now = now or timezone.now()
    if source not in Source.values:
        raise InvalidInput(_("Unknown process source."), code="source")
    effective_from = effective_from or _date(raw.get("effective_from") if isinstance(
        raw, Mapping) else None) or now.astimezone(TZ).date()
    parsed = check(procedure, raw, effective_from=effective_from)
    stored = canonical(raw)
    with transaction.atomic():
        latest = (
            Process.objects.select_for_update()
            .filter(procedure=procedure, agency_kind=parsed.agency_kind)
            .order_by("-number").first()
        )
        if latest is not None and latest.definition == stored and latest.effective_to is None:
            return latest
        if latest is not None and effective_from < latest.effective_from:
            raise InvalidProcess(procedure.code or str(procedure.pk), [
                _("version %(n)d is in force from %(day)s; a new version cannot take effect "
                  "before it") % {"n": latest.number, "day": latest.effective_from.isoformat()}
            ])
        if latest is not None and (latest.effective_to is None
                                   or latest.effective_to > effective_from):
            latest.effective_to = effective_from
            latest.save(update_fields=["effective_to"])
        process = Process.objects.create(
            procedure=procedure, agency_kind=parsed.agency_kind,
            number=(latest.number + 1) if latest else 1, name=parsed.name[:1000],
            effective_from=effective_from, definition=stored, source=source,
            created_by=actor if actor is not None and actor.pk else None,
        )
        record(actor, "process.published", process, procedure=procedure.code,
               agency_kind=parsed.agency_kind, number=process.number, source=source,
               effective_from=effective_from.isoformat(),
               replaces=latest.number if latest else None)
    return process


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput(
            _("effective_from must be a date YYYY-MM-DD, not %(value)r") % {"value": value},
            code="effective_from",
        ) from exc
