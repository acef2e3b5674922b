"""Load the catalogue from the national data file (procedures.yaml) and the deployment's
local settings (local.yaml).

* Validation first, of every record: a bad file is refused as a whole with one message per
  problem, naming the procedure and the field, and nothing is written.
* Idempotent: a procedure whose content is unchanged is left alone; a changed one gets a new
  version (number + 1) in force from the given date, and the previous version closes on that
  date. Dossiers keep the version in force when they were received.
* "?" in the national data means "not confirmed": the value is stored as null/blank and the
  field is listed in ProcedureVersion.unconfirmed. Nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.catalog.actions import supersede
from motcua.catalog.fees import classify as classify_fee
from motcua.catalog.models import (
    CASE_KEY_RE,
    CODE_RE,
    DEFAULT_CASE,
    RESULT_VALID_MONTHS_MAX,
    CompetenceBasis,
    ComponentRequirement,
    DurationUnit,
    Level,
    NationalSource,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    Sector,
    SupplementMode,
)
from motcua.core import audit
from motcua.core.errors import InvalidInput
from motcua.org.models import Agency

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "procedures.yaml"
DEFAULT_LOCAL_FILE = DATA_DIR / "local.yaml"
DEFAULT_EFORMS_FILE = DATA_DIR / "eforms.yaml"
DEFAULT_NATIONAL_SOURCES_FILE = DATA_DIR / "national_sources.yaml"

UNKNOWN = "?"
CUTOFF_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# "QĐ công bố: 163/QĐ-BTP" at the end of legal_basis. Anything else (e.g. the portal's
# placeholder "QĐ/0001-BTP") is not read as a decision number.
DECISION_RE = re.compile(r"QĐ công bố:\s*(\d{1,6}/QĐ-[0-9A-ZĐ]+(?:-[0-9A-ZĐ]+)*)\s*\.?\s*$")

NAME_MAX = 1000  # Procedure.name, ProcedureVersion.name
SECTOR_MAX = 255  # Sector.name
REQUIRED_KEYS = ("code", "name_vi", "sector", "level")
OPTIONAL_KEYS = (
    "name_en", "agency", "duration_text", "duration_value", "duration_unit", "cutoff", "fees",
    "components", "result", "legal_basis", "source_url", "confirmed", "notes", "retrieved_via",
    "duration_cases",
)
CASE_KEYS = ("key", "label_vi", "label_en", "value", "unit", "online_value", "when", "source")
COMPONENT_KEYS = ("name", "form", "quantity", "required")
FEE_KEYS = ("name", "amount_vnd", "note")
COMPONENT_FORMS = tuple(ComponentRequirement.Form.values)

LOCAL_KEYS = (
    "online_level", "handling_agency_kind", "supplement_mode", "pause_on_payment",
    "max_apologies", "competence_basis", "competent_agency_code", "any_boundary",
    "result_valid_months",
)
LOCAL_DEFAULTS: dict[str, Any] = {
    "online_level": OnlineLevel.PARTIAL.value,
    "supplement_mode": SupplementMode.PAUSE.value,
    "pause_on_payment": False,  # true only where the procedure's law excludes that time
    "max_apologies": 1,
    "competence_basis": CompetenceBasis.RESIDENCE.value,
    "competent_agency_code": "",
    "any_boundary": False,
    "result_valid_months": None,  # no end date: the national data gives no period
}
# Version fields the two files determine; the importer compares exactly these.
FILE_VERSION_FIELDS = (
    "name", "name_en", "level", "implementing_agency", "duration_value", "duration_unit",
    "duration_text", "cutoff", "duration_cases", "results", "legal_basis", "decision_number",
    "source_url",
    "unconfirmed", "confirmed", "retrieved_via", "notes", *LOCAL_KEYS,
)
COMPARED_COMPONENT_FIELDS = ("name", "form", "quantity", "required")
COMPARED_FEE_FIELDS = ("name", "amount_vnd", "note")  # `applies` follows the name


class CatalogDataError(InvalidInput):
    """The data file is refused; `errors` has one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors), code="invalid_catalog_data")


@dataclass
class Record:
    position: int  # 1-based place in the file
    code: str | None
    name: str
    sector: str
    fields: dict[str, Any] = field(default_factory=dict)
    components: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The national code, or the exact name while the code is not confirmed."""
        return self.code or self.name


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # new procedures
    updated: list[str] = field(default_factory=list)  # new versions of existing procedures
    unchanged: list[str] = field(default_factory=list)
    eforms: list[str] = field(default_factory=list)  # e-forms stored or changed (eforms.yaml)
    eforms_skipped: list[str] = field(default_factory=list)  # for procedures not loaded
    # components whose national database changed (national_sources.yaml), "code:position"
    national_sources: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(created)d new, %(updated)d new versions, %(unchanged)d unchanged") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


# ---------------------------------------------------------------------------- reading files


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _is_unknown(value: Any) -> bool:
    """'?' alone, or '?' followed by a remark, e.g. '? (not in the stored page)'."""
    return isinstance(value, str) and (value.strip() == UNKNOWN or value.startswith("? "))


def _yaml(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogDataError(
            [_("Cannot read the %(what)s %(path)s: %(error)s")
             % {"what": what, "path": path, "error": exc}]
        ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _(" at line %(line)d, column %(column)d")
            % {"line": mark.line + 1, "column": mark.column + 1}
            if mark else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogDataError(
            [_("The %(what)s %(path)s is not valid YAML%(where)s: %(problem)s")
             % {"what": what, "path": path, "where": where, "problem": problem}]
        ) from exc


class _Checker:
    """Collects the problems of one record, each naming the procedure and the field."""

    def __init__(self, label: str, errors: list[str]) -> None:
        self.label = label
        self.errors = errors

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(
            _("%(procedure)s, field '%(field)s': %(message)s")
            % {"procedure": self.label, "field": field_name, "message": message}
        )


def _label(position: int, raw: Mapping[str, Any]) -> str:
    code = raw.get("code")
    if isinstance(code, str) and CODE_RE.match(code.strip()):
        return _("procedure %(code)s (record %(n)d)") % {"code": code.strip(), "n": position}
    name = raw.get("name_vi")
    if isinstance(name, str) and name.strip():
        short = name.strip()[:60] + ("…" if len(name.strip()) > 60 else "")
        return _("procedure record %(n)d '%(name)s'") % {"n": position, "name": short}
    return _("procedure record %(n)d") % {"n": position}


def parse_procedures(data: Any, local: LocalSettings | None = None) -> list[Record]:
    """Validate and map the national data; raise CatalogDataError listing every problem."""
    local = local or LocalSettings()
    errors: list[str] = []
    if not isinstance(data, list):
        raise CatalogDataError(
            [_("The procedures file must be a YAML list of procedures, got %(type)s.")
             % {"type": type(data).__name__}]
        )
    records: list[Record] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(data, 1):
        if not isinstance(raw, dict):
            errors.append(
                _("procedure record %(n)d: a mapping of fields is expected, got %(type)s.")
                % {"n": position, "type": type(raw).__name__}
            )
            continue
        check = _Checker(_label(position, raw), errors)
        record = _parse_record(position, raw, check, local)
        if record is None:
            continue
        if record.key in seen:
            check.error(
                "code" if record.code else "name_vi",
                _("duplicate of record %(n)d.") % {"n": seen[record.key]},
            )
            continue
        seen[record.key] = position
        records.append(record)
    if errors:
        raise CatalogDataError(errors)
    return records


def _parse_record(
    position: int, raw: dict[str, Any], check: _Checker, local: LocalSettings
) -> Record | None:
    n_errors = len(check.errors)
    for key in sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)):
        check.error(key, _("unknown field (a typo?)."))
    for key in REQUIRED_KEYS:
        if raw.get(key) in (None, ""):
            check.error(key, _("missing."))
    unconfirmed: list[str] = []

    # code
    code: str | None = None
    raw_code = raw.get("code")
    if raw_code not in (None, ""):
        if not isinstance(raw_code, str):
            check.error(
                "code",
                _("%(value)r must be a quoted string like '1.001193' (unquoted, YAML reads a "
                  "number and drops trailing zeros).") % {"value": raw_code},
            )
        elif raw_code.strip() == UNKNOWN:
            unconfirmed.append("code")
        elif not CODE_RE.match(raw_code.strip()):
            check.error(
                "code",
                _("'%(value)s' is not a national code of the form N.NNNNNN (e.g. 1.001193).")
                % {"value": raw_code},
            )
        else:
            code = raw_code.strip()

    name = _text(raw.get("name_vi") or "")
    if name == UNKNOWN:
        check.error("name_vi", _("the name is required and cannot be '?'."))
    elif len(name) > NAME_MAX:
        check.error("name_vi", _("longer than %(n)d characters.") % {"n": NAME_MAX})
    sector = _text(raw.get("sector") or "")
    if sector == UNKNOWN:
        check.error("sector", _("the sector is required and cannot be '?'."))
    elif len(sector) > SECTOR_MAX:
        check.error("sector", _("longer than %(n)d characters.") % {"n": SECTOR_MAX})
    level = raw.get("level")
    if level not in (None, "") and level not in Level.values:
        check.error("level", _("'%(value)s' is not one of %(allowed)s.")
                    % {"value": level, "allowed": ", ".join(Level.values)})

    fields: dict[str, Any] = {"name": name, "level": level}

    def text_field(key: str, target: str) -> None:
        value = raw.get(key)
        if value is None:
            fields[target] = ""
        elif _is_unknown(value):
            fields[target] = ""
            unconfirmed.append(target)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[target] = _text(value)
        else:
            check.error(key, _("text expected, got %(type)s.") % {"type": type(value).__name__})

    text_field("name_en", "name_en")
    text_field("agency", "implementing_agency")
    text_field("duration_text", "duration_text")
    text_field("result", "results")
    text_field("legal_basis", "legal_basis")
    text_field("source_url", "source_url")
    text_field("notes", "notes")
    text_field("retrieved_via", "retrieved_via")
    if len(fields.get("name_en", "")) > 1000:
        check.error("name_en", _("longer than 1000 characters."))
    url = fields.get("source_url", "")
    if url and (not re.match(r"^https?://\S+$", url) or len(url) > 500):
        check.error("source_url", _("'%(value)s' is not an http(s) address of at most 500 "
                                    "characters.") % {"value": url[:80]})
    result = raw.get("result")
    if _is_unknown(result) and str(result).strip() != UNKNOWN:
        # keep the source's remark about the unknown result, e.g. "? (not in the stored page)"
        remark = _text(result)
        fields["notes"] = f"{fields.get('notes', '')}\n[result] {remark}".strip()

    # duration: a value without a unit (or the reverse) is no duration; both become unknown
    value = raw.get("duration_value")
    unit = raw.get("duration_unit")
    if unit not in (None, "", UNKNOWN) and unit not in DurationUnit.values:
        check.error("duration_unit", _("'%(value)s' is not one of %(allowed)s, or '?'.")
                    % {"value": unit, "allowed": ", ".join(DurationUnit.values)})
    if value not in (None, UNKNOWN) and (
        isinstance(value, bool) or not isinstance(value, int) or value <= 0
    ):
        check.error("duration_value", _("%(value)r is not a positive whole number or '?'.")
                    % {"value": value})
    if value == UNKNOWN or unit == UNKNOWN:
        fields["duration_value"], fields["duration_unit"] = None, ""
        unconfirmed += ["duration_value", "duration_unit"]
    else:
        fields["duration_value"] = value if isinstance(value, int) else None
        fields["duration_unit"] = unit or ""

    cutoff = raw.get("cutoff")
    fields["cutoff"] = None
    if cutoff == UNKNOWN:
        unconfirmed.append("cutoff")
    elif cutoff is not None:
        match = CUTOFF_RE.match(cutoff) if isinstance(cutoff, str) else None
        if match is None:
            check.error("cutoff", _("%(value)r is not a time 'HH:MM' in quotes, or '?'.")
                        % {"value": cutoff})
        else:
            fields["cutoff"] = dt.time(int(match[1]), int(match[2]))
            if fields["duration_unit"] not in ("", DurationUnit.SAME_DAY):
                # DOMAIN.md section 4: the cut-off belongs to same-day procedures; on a longer
                # duration it would be silently ignored, so the file must say what it means.
                check.error("cutoff", _("a cut-off applies only to same-day durations "
                                        "(duration_unit: same_day), not to %(unit)s.")
                            % {"unit": fields["duration_unit"]})

    fields["duration_cases"] = _parse_cases(raw.get("duration_cases"), check)

    # publication: the decision number only where it can be read reliably
    decision = DECISION_RE.search(fields.get("legal_basis", ""))
    fields["decision_number"] = decision[1] if decision else ""
    if not decision:
        unconfirmed.append("decision_number")

    confirmed = raw.get("confirmed") or []
    if not isinstance(confirmed, list) or not all(isinstance(c, str) for c in confirmed):
        check.error("confirmed", _("a list of field names is expected."))
        confirmed = []
    fields["confirmed"] = [c.strip() for c in confirmed]

    components = _parse_components(raw.get("components"), check, unconfirmed)
    fees = _parse_fees(raw.get("fees"), check, unconfirmed)
    fields["unconfirmed"] = unconfirmed

    settings = local.for_record(code, name, level)
    fields.update(settings)

    if len(check.errors) > n_errors:
        return None
    return Record(position, code, name, sector, fields, components, fees)


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _parse_cases(raw: Any, check: _Checker) -> list[dict[str, Any]]:
    """Alternative durations by case; only numbers the source confirms belong here."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.error("duration_cases", _("a list is expected."))
        return []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        where = f"duration_cases[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("a mapping with key, label_vi, value, unit is expected."))
            continue
        for key in sorted(set(item) - set(CASE_KEYS)):
            check.error(f"{where}.{key}", _("unknown field (a typo?)."))
        key = item.get("key")
        if not isinstance(key, str) or not CASE_KEY_RE.match(key) or key == DEFAULT_CASE:
            check.error(f"{where}.key", _("%(value)r is not a case key of lower-case letters, "
                                          "digits and '_' (and not 'default').")
                        % {"value": key})
            continue
        if key in seen:
            check.error(f"{where}.key", _("duplicate case '%(key)s'.") % {"key": key})
        seen.add(key)
        label_vi, label_en = item.get("label_vi"), item.get("label_en", "")
        if not isinstance(label_vi, str) or not label_vi.strip():
            check.error(f"{where}.label_vi", _("missing."))
        if not isinstance(label_en, str):
            check.error(f"{where}.label_en", _("text expected, got %(type)s.")
                        % {"type": type(label_en).__name__})
        value, unit, online = item.get("value"), item.get("unit"), item.get("online_value")
        if not _positive(value):
            check.error(f"{where}.value", _("%(value)r is not a positive whole number.")
                        % {"value": value})
        if unit not in DurationUnit.values:
            check.error(f"{where}.unit", _("'%(value)s' is not one of %(allowed)s.")
                        % {"value": unit, "allowed": ", ".join(DurationUnit.values)})
        if online is not None and not _positive(online):
            check.error(f"{where}.online_value", _("%(value)r is not a positive whole number.")
                        % {"value": online})
        when = item.get("when")
        if when is not None and not (
            isinstance(when, dict) and set(when) == {"field", "equals"}
            and isinstance(when["field"], str) and when["field"].startswith("form_data.")
            and isinstance(when["equals"], str | int | float | bool)
        ):
            check.error(f"{where}.when", _("a rule {field: form_data.<name>, equals: <value>} "
                                           "is expected."))
        source = item.get("source", "")
        if not isinstance(source, str):
            check.error(f"{where}.source", _("text expected, got %(type)s.")
                        % {"type": type(source).__name__})
        row: dict[str, Any] = {
            "key": key, "label_vi": _text(label_vi or ""), "label_en": _text(label_en or ""),
            "value": value, "unit": unit,
        }
        if online is not None:
            row["online_value"] = online
        if when is not None:
            row["when"] = when
        if source:
            row["source"] = _text(source)
        rows.append(row)
    return rows


def _parse_components(raw: Any, check: _Checker, unconfirmed: list[str]) -> list[dict]:
    if raw is None:
        return []
    if raw == UNKNOWN:
        unconfirmed.append("components")
        return []
    if not isinstance(raw, list):
        check.error("components", _("a list is expected."))
        return []
    rows = []
    for i, item in enumerate(raw, 1):
        where = f"components[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("a mapping with name, form, quantity, required is expected."))
            continue
        for key in sorted(set(item) - set(COMPONENT_KEYS)):
            check.error(f"{where}.{key}", _("unknown field (a typo?)."))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name.strip() == UNKNOWN:
            check.error(f"{where}.name", _("missing."))
            continue
        form = item.get("form", ComponentRequirement.Form.ORIGINAL)
        if form not in COMPONENT_FORMS:
            check.error(f"{where}.form", _("'%(value)s' is not one of %(allowed)s.")
                        % {"value": form, "allowed": ", ".join(COMPONENT_FORMS)})
        quantity = item.get("quantity", 1)
        if quantity == UNKNOWN:
            quantity = None
            unconfirmed.append(f"{where}.quantity")
        elif isinstance(quantity, bool) or not isinstance(quantity, int) or not (
            0 <= quantity <= 99  # 0: information only, nothing to hand in (1.004873)
        ):
            check.error(f"{where}.quantity", _("%(value)r is not a whole number from 0 to 99, "
                                               "or '?'.") % {"value": quantity})
        required = item.get("required", True)
        if not isinstance(required, bool):
            check.error(f"{where}.required", _("true or false expected."))
        rows.append({"name": _text(name), "form": form, "quantity": quantity,
                     "required": required})
    return rows


def _parse_fees(raw: Any, check: _Checker, unconfirmed: list[str]) -> list[dict]:
    if raw is None:
        return []
    if raw == UNKNOWN:
        unconfirmed.append("fees")
        return []
    if not isinstance(raw, list):
        check.error("fees", _("a list is expected."))
        return []
    rows = []
    for i, item in enumerate(raw, 1):
        where = f"fees[{i}]"
        if not isinstance(item, dict):
            check.error(where, _("a mapping with name, amount_vnd, note is expected."))
            continue
        for key in sorted(set(item) - set(FEE_KEYS)):
            check.error(f"{where}.{key}", _("unknown field (a typo?)."))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name.strip() == UNKNOWN:
            check.error(f"{where}.name", _("missing."))
            continue
        if len(name.strip()) > 500:
            check.error(f"{where}.name", _("longer than 500 characters."))
        amount = item.get("amount_vnd")
        if amount == UNKNOWN:
            amount = None
            unconfirmed.append(f"{where}.amount_vnd")
        elif isinstance(amount, bool) or not isinstance(amount, int):
            check.error(f"{where}.amount_vnd", _("%(value)r is not a whole number of VND "
                                                 "(no separators), or '?'.") % {"value": amount})
        elif amount < 0:
            check.error(f"{where}.amount_vnd", _("%(value)d is negative.") % {"value": amount})
        note = item.get("note")
        rows.append({"name": _text(name), "amount_vnd": amount,
                     "note": _text(note) if note is not None else "",
                     "applies": classify_fee(name)})
    return rows


# ------------------------------------------------------------------------- local settings


@dataclass
class LocalSettings:
    """Deployment settings (local.yaml), not national data."""

    defaults: dict[str, Any] = field(default_factory=lambda: dict(LOCAL_DEFAULTS))
    by_code: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_record(self, code: str | None, name: str, level: Any) -> dict[str, Any]:
        values = dict(LOCAL_DEFAULTS)
        values["handling_agency_kind"] = (
            Agency.Kind.DEPARTMENT.value if level == Level.PROVINCE
            else Agency.Kind.COMMUNE_PC.value
        )
        values.update(self.defaults)
        values.update(self.by_code.get(code or "", {}) if code else self.by_name.get(name, {}))
        return values


def parse_local(data: Any, source: str = "local.yaml") -> LocalSettings:
    errors: list[str] = []
    if data is None:
        return LocalSettings()
    if not isinstance(data, dict):
        raise CatalogDataError([_("%(source)s: a mapping with defaults, procedures, by_name is "
                                  "expected.") % {"source": source}])
    for key in sorted(set(data) - {"defaults", "procedures", "by_name"}):
        errors.append(_("%(source)s: unknown section '%(key)s'.")
                      % {"source": source, "key": key})

    def settings(where: str, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s: a mapping of settings is expected.") % {"where": where})
            return {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            problem = _check_local(key, value)
            if problem:
                errors.append(_("%(where)s, setting '%(key)s': %(problem)s")
                              % {"where": where, "key": key, "problem": problem})
            else:
                out[key] = value
        return out

    result = LocalSettings()
    result.defaults.update(settings(f"{source} defaults", data.get("defaults")))
    for section, target in (("procedures", result.by_code), ("by_name", result.by_name)):
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            errors.append(_("%(source)s: section '%(section)s' must be a mapping.")
                          % {"source": source, "section": section})
            continue
        for key, values in raw.items():
            if section == "procedures" and not (
                isinstance(key, str) and CODE_RE.match(key)
            ):
                errors.append(_("%(source)s: '%(key)s' is not a national code N.NNNNNN (quote "
                                "it).") % {"source": source, "key": key})
                continue
            target[_text(key)] = settings(f"{source} {section} {key}", values)
    if errors:
        raise CatalogDataError(errors)
    return result


def _check_local(key: str, value: Any) -> str:
    choices: dict[str, list[str]] = {
        "online_level": OnlineLevel.values,
        "handling_agency_kind": Agency.Kind.values,
        "supplement_mode": SupplementMode.values,
        "competence_basis": CompetenceBasis.values,
    }
    if key in choices:
        if value not in choices[key]:
            return _("'%(value)s' is not one of %(allowed)s.") % {
                "value": value, "allowed": ", ".join(choices[key])}
    elif key in ("pause_on_payment", "any_boundary"):
        if not isinstance(value, bool):
            return _("true or false expected.")
    elif key == "competent_agency_code":
        if not isinstance(value, str) or len(value) > 32:
            return _("an agency code expected.")
    elif key == "max_apologies":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
            return _("a whole number from 0 to 9 expected.")
    elif key == "result_valid_months":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= RESULT_VALID_MONTHS_MAX):
            return _("a whole number of months from 1 to %(max)s expected, or null.") % {
                "max": RESULT_VALID_MONTHS_MAX}
    else:
        return _("unknown setting (expected one of %(allowed)s).") % {
            "allowed": ", ".join(LOCAL_KEYS)}
    return ""


def read_local(path: Path | str = DEFAULT_LOCAL_FILE) -> LocalSettings:
    path = Path(path)
    return parse_local(_yaml(path, _("local settings file")), str(path.name))


def read_procedures(
    path: Path | str = DEFAULT_FILE, local: LocalSettings | None = None
) -> list[Record]:
    return parse_procedures(_yaml(Path(path), _("procedures file")), local)


# ---------------------------------------------------------------------------- writing


def _version_content(version: ProcedureVersion) -> tuple:
    return (
        tuple(getattr(version, f) for f in FILE_VERSION_FIELDS),
        tuple(tuple(getattr(c, f) for f in COMPARED_COMPONENT_FIELDS)
              for c in version.components.all()),
        tuple(tuple(getattr(f, k) for k in COMPARED_FEE_FIELDS) for f in version.fees.all()),
    )


def _record_content(record: Record) -> tuple:
    return (
        tuple(record.fields[f] for f in FILE_VERSION_FIELDS),
        tuple(tuple(c[f] for f in COMPARED_COMPONENT_FIELDS) for c in record.components),
        tuple(tuple(f[k] for k in COMPARED_FEE_FIELDS) for f in record.fees),
    )


def _component_rows(record: Record, base: ProcedureVersion | None) -> list[dict[str, Any]]:
    """The file's components; settings the file does not carry (e-form, digitization,
    condition, code) are kept from the previous version's component of the same name."""
    previous = {c.name: c for c in (base.components.all() if base else [])}
    rows = []
    for row in record.components:
        old = previous.get(row["name"])
        extra = {
            "code": old.code if old else "",
            "condition": old.condition if old else "",
            "digitization_required": old.digitization_required if old else False,
            "eform_schema": old.eform_schema if old else None,
            "national_source": old.national_source if old else "",
        }
        rows.append({**extra, **row})
    return rows


def load_records(
    records: list[Record], *, effective_from: dt.date, actor: Any = None
) -> LoadReport:
    """Write the records in one transaction (all or nothing)."""
    report = LoadReport()
    prefetch_open = Prefetch(
        "versions",
        queryset=ProcedureVersion.objects.filter(effective_to__isnull=True)
        .order_by("-effective_from", "-number")
        .prefetch_related("components", "fees"),
        to_attr="open_versions",
    )
    with transaction.atomic():
        sectors = {s.name: s for s in Sector.objects.all()}
        missing = sorted({r.sector for r in records} - set(sectors))
        for sector in Sector.objects.bulk_create([Sector(name=name) for name in missing]):
            sectors[sector.name] = sector
        if missing and any(sectors[name].pk is None for name in missing):
            sectors = {s.name: s for s in Sector.objects.all()}

        existing = list(
            Procedure.objects.select_for_update()
            .filter(code__in=[r.code for r in records if r.code])
            .prefetch_related(prefetch_open)
        )
        by_code = {p.code: p for p in existing}
        codeless = {
            p.name: p for p in Procedure.objects.select_for_update()
            .filter(code__isnull=True).prefetch_related(prefetch_open)
        }
        for record in records:
            procedure = by_code.get(record.code) if record.code else None
            if procedure is None:
                # a procedure loaded before its national code was confirmed
                procedure = codeless.pop(record.name, None)
                if procedure is not None and record.code:
                    procedure.code = record.code
                    procedure.save(update_fields=["code"])
            if procedure is None:
                _create(record, sectors[record.sector], effective_from, actor)
                report.created.append(record.key)
                continue
            open_versions = getattr(procedure, "open_versions", [])
            base = open_versions[0] if open_versions else None
            if procedure.sector_id != sectors[record.sector].pk:
                procedure.sector = sectors[record.sector]
                procedure.save(update_fields=["sector"])
            if base is not None and _version_content(base) == _record_content(record):
                report.unchanged.append(record.key)
                continue
            try:
                version = supersede(
                    procedure, base, fields=record.fields,
                    components=_component_rows(record, base), fees=record.fees,
                    effective_from=effective_from,
                )
            except InvalidInput as exc:  # rolls the whole load back
                raise CatalogDataError([exc.detail]) from exc
            audit.record(actor, "catalog.version_imported", version, procedure=record.code,
                         number=version.number, effective_from=effective_from.isoformat())
            report.updated.append(record.key)
    return report


def _create(record: Record, sector: Sector, effective_from: dt.date, actor: Any) -> None:
    procedure = Procedure.objects.create(
        code=record.code, name=record.name, sector=sector,
        level=record.fields["level"],
    )
    version = supersede(
        procedure, None, fields=record.fields, components=_component_rows(record, None),
        fees=record.fees, effective_from=effective_from,
    )
    audit.record(actor, "catalog.version_imported", version, procedure=record.code,
                 number=version.number, effective_from=effective_from.isoformat())


def load_procedures(
    path: Path | str = DEFAULT_FILE,
    *,
    local_path: Path | str | None = DEFAULT_LOCAL_FILE,
    eforms_path: Path | str | None = DEFAULT_EFORMS_FILE,
    national_sources_path: Path | str | None = DEFAULT_NATIONAL_SOURCES_FILE,
    effective_from: dt.date | None = None,
    actor: Any = None,
) -> LoadReport:
    """Validate the files, then load them (all or nothing). Raises CatalogDataError."""
    local = read_local(local_path) if local_path else LocalSettings()
    records = read_procedures(path, local)
    forms = read_eforms(eforms_path) if eforms_path else []
    sources = read_national_sources(national_sources_path) if national_sources_path else []
    effective_from = effective_from or timezone.localdate()
    with transaction.atomic():
        report = load_records(records, effective_from=effective_from, actor=actor)
        apply_eforms(forms, report, since=effective_from, actor=actor)
        apply_national_sources(sources, report, since=effective_from, actor=actor)
    return report


# ------------------------------------------------------------------------------- e-forms


class ComponentEntry(Protocol):
    """A line of a file about one component of a procedure (e-forms, national databases)."""

    @property
    def code(self) -> str: ...

    @property
    def position(self) -> int: ...


E = TypeVar("E", bound=ComponentEntry)


def _components_at(entries: list[E], since: dt.date, source: str
                   ) -> tuple[list[tuple[E, ProcedureVersion, ComponentRequirement]], list[str]]:
    """Each entry's component (its procedure `code`, at `position`) in every version of the
    procedure in force on `since` or later; and the codes of the procedures the catalogue does
    not hold. CatalogDataError when a procedure has no component at that position."""
    versions = (ProcedureVersion.objects.select_related("procedure")
                .filter(procedure__code__in={e.code for e in entries})
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=since))
                .prefetch_related("components"))
    by_code: dict[str, list[ProcedureVersion]] = {}
    for version in versions:
        by_code.setdefault(version.procedure.code or "", []).append(version)
    found, skipped, errors = [], [], []
    for entry in entries:
        if entry.code not in by_code:
            skipped.append(entry.code)
            continue
        for version in by_code[entry.code]:
            component = next((c for c in version.components.all()
                              if c.position == entry.position), None)
            if component is None:
                errors.append(_("%(source)s, %(code)s: the procedure has no component %(n)d.")
                              % {"source": source, "code": entry.code, "n": entry.position})
                break
            found.append((entry, version, component))
    if errors:
        raise CatalogDataError(errors)
    return found, skipped


@dataclass(frozen=True)
class EFormEntry:
    """One e-form of eforms.yaml: the document for the component at `position` (from 1) of the
    procedure `code`."""

    code: str
    position: int
    schema: dict[str, Any]


def parse_eforms(data: Any, source: str = "eforms.yaml") -> list[EFormEntry]:
    """Every e-form of the file, checked (catalog.eforms.parse); CatalogDataError lists every
    problem, each naming the procedure."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise CatalogDataError([_("%(source)s: a mapping of national codes to e-forms is "
                                  "expected.") % {"source": source}])
    errors: list[str] = []
    entries = []
    for code, raw in data.items():
        where = f"{source} {code}"
        if not (isinstance(code, str) and CODE_RE.match(code)):
            errors.append(_("%(source)s: '%(key)s' is not a national code N.NNNNNN (quote "
                            "it).") % {"source": source, "key": code})
            continue
        if not isinstance(raw, dict) or set(raw) != {"component", "form"}:
            errors.append(_("%(where)s: a mapping with “component” (the declaration's position "
                            "among the components) and “form” is expected.") % {"where": where})
            continue
        position = raw["component"]
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            errors.append(_("%(where)s, component: a position from 1 is expected.")
                          % {"where": where})
            continue
        try:
            eforms.parse(raw["form"])
        except eforms.SchemaError as exc:
            errors += [f"{where}, form: {problem}" for problem in exc.errors]
            continue
        entries.append(EFormEntry(code, position, raw["form"]))
    if errors:
        raise CatalogDataError(errors)
    return entries


def read_eforms(path: Path | str = DEFAULT_EFORMS_FILE) -> list[EFormEntry]:
    path = Path(path)
    return parse_eforms(_yaml(path, _("e-forms file")), str(path.name))


def apply_eforms(entries: list[EFormEntry], report: LoadReport, *, since: dt.date,
                 actor: Any = None) -> None:
    """Store each e-form on its component in the procedure's versions in force on `since` or
    later (the e-form is data entry of the version, as in the admin: no new version). A
    procedure the catalogue does not hold is reported in `report.eforms_skipped`."""
    found, skipped = _components_at(entries, since, _("e-forms file"))
    report.eforms_skipped += skipped
    for entry, version, component in found:
        if component.eform_schema == entry.schema:
            continue
        component.eform_schema = entry.schema
        component.save(update_fields=["eform_schema"])
        audit.record(actor, "catalog.eform_loaded", component, procedure=entry.code,
                     version=version.number, component=entry.position)
        if entry.code not in report.eforms:
            report.eforms.append(entry.code)


# ------------------------------------------------------------------- national databases


@dataclass(frozen=True)
class NationalSourceEntry:
    """One line of national_sources.yaml: the component at `position` (from 1) of the
    procedure `code` is taken from the national database `source` (catalog.NationalSource)."""

    code: str
    position: int
    source: str


def parse_national_sources(data: Any, source: str = "national_sources.yaml"
                           ) -> list[NationalSourceEntry]:
    """Every line of the file, checked; CatalogDataError lists every problem."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise CatalogDataError([_("%(source)s: a mapping of national codes to components is "
                                  "expected.") % {"source": source}])
    errors: list[str] = []
    entries = []
    allowed = ", ".join(NationalSource.values)
    for code, raw in data.items():
        where = f"{source} {code}"
        if not (isinstance(code, str) and CODE_RE.match(code)):
            errors.append(_("%(source)s: '%(key)s' is not a national code N.NNNNNN (quote "
                            "it).") % {"source": source, "key": code})
            continue
        if not isinstance(raw, dict) or not raw:
            errors.append(_("%(where)s: a mapping of component positions to national "
                            "databases is expected.") % {"where": where})
            continue
        for position, system in raw.items():
            if isinstance(position, bool) or not isinstance(position, int) or position < 1:
                errors.append(_("%(where)s: %(value)r is not a component position from 1.")
                              % {"where": where, "value": position})
            elif system not in NationalSource.values:
                errors.append(_("%(where)s, component %(n)d: %(value)r is not one of "
                                "%(allowed)s.") % {"where": where, "n": position,
                                                   "value": system, "allowed": allowed})
            else:
                entries.append(NationalSourceEntry(code, position, system))
    if errors:
        raise CatalogDataError(errors)
    return entries


def read_national_sources(path: Path | str = DEFAULT_NATIONAL_SOURCES_FILE
                          ) -> list[NationalSourceEntry]:
    path = Path(path)
    return parse_national_sources(_yaml(path, _("national databases file")), str(path.name))


def apply_national_sources(entries: list[NationalSourceEntry], report: LoadReport, *,
                           since: dt.date, actor: Any = None) -> None:
    """Mark each component with its national database in the procedure's versions in force
    on `since` or later (data entry of the version, as the e-forms); a procedure the
    catalogue does not hold is skipped."""
    found, _skipped = _components_at(entries, since, _("national databases file"))
    for entry, version, component in found:
        if component.national_source == entry.source:
            continue
        component.national_source = entry.source
        component.save(update_fields=["national_source"])
        audit.record(actor, "catalog.national_source_loaded", component,
                     procedure=entry.code, version=version.number,
                     component=entry.position, source=entry.source)
        report.national_sources.append(f"{entry.code}:{entry.position}")
