"""E-forms: a procedure's declaration ("tờ khai") filled in online, defined as catalogue data.

The national catalogue lists the declaration as a component of the procedure ("Tờ khai đăng ký
khai sinh theo mẫu … hoặc Mẫu hộ tịch điện tử tương tác (nộp trực tuyến)"): online, that
component is given by filling in its electronic form (Decree 45/2020/NĐ-CP, "biểu mẫu điện
tử"), not by uploading a scan. So an e-form belongs to that component,
`ComponentRequirement.eform_schema`, and a procedure whose declaration has no e-form yet is
still filed online with the declaration uploaded. The values go to `Dossier.form_data`, one
flat mapping of field name to value, the same keys the API takes.

The format (docs/eforms.md) is a small JSON document an administrator writes in the admin or
in catalog/data/eforms.yaml:

    {"title_vi": "...", "title_en": "...",
     "sections": [{"title_vi": "...", "title_en": "...", "fields": [
        {"name": "child_full_name", "type": "text", "label_vi": "...", "label_en": "...",
         "required": true, "max_length": 100, "help_vi": "...", "help_en": "..."}, ...]}]}

(or "fields" at the top level instead of "sections", for a form of one part). A field about the
applicant may say what the national population database knows of it, `"prefill": "<fact>"`
(PREFILL_TYPES: full_name, birth_date, sex, id_number, the permanent and current address and
commune): the portal fills it in for a citizen filing for themselves, the counter after looking
the applicant up; the person can still change it. `parse` checks a
document and lists every problem; `clean` checks values against it, field by field, as typed
in a page or sent to the API. Pure: the only outside fact, whether a commune code exists, is
asked of the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.text import UNFIT_MESSAGES, UnfitText, clean_human_text
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id

TEXT, TEXTAREA, DATE, NUMBER, SELECT, CHECKBOX = (
    "text", "textarea", "date", "number", "select", "checkbox")
NATIONAL_ID, PHONE, EMAIL, COMMUNE = "national_id", "phone", "email", "commune"
FIELD_TYPES = (TEXT, TEXTAREA, DATE, NUMBER, SELECT, CHECKBOX, NATIONAL_ID, PHONE, EMAIL,
               COMMUNE)
# Types whose value is free text with a length limit: (default, most allowed).
TEXT_LIMITS = {TEXT: (255, 1000), TEXTAREA: (2000, 4000)}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
# A phone number as people write it: digits, spaces, dots, dashes, a leading +. The applicant's
# phone in the API (dossiers.serializers) follows the same rule.
PHONE_RE = re.compile(r"^\+?[0-9 .-]{8,20}$")
COMMUNE_CODE_RE = re.compile(r"^[0-9]{1,8}$")
MAX_FIELDS = 100
MAX_CHOICES = 200
NUMBER_LIMIT = 10**12
FIELD_KEYS = frozenset({"name", "type", "label_vi", "label_en", "required", "max_length",
                        "help_vi", "help_en", "choices", "min", "max", "prefill"})
# The facts of the population database an e-form field may be prefilled with, and the field
# types each fits (integration.population.eform_values fills them).
PREFILL_TYPES: dict[str, tuple[str, ...]] = {
    "full_name": (TEXT,), "birth_date": (DATE,), "sex": (SELECT,),
    "id_number": (NATIONAL_ID, TEXT), "permanent_address": (TEXT, TEXTAREA),
    "current_address": (TEXT, TEXTAREA), "permanent_commune": (COMMUNE,),
    "current_commune": (COMMUNE,),
}
SECTION_KEYS = frozenset({"title_vi", "title_en", "fields"})
FORM_KEYS = frozenset({"title_vi", "title_en", "sections", "fields"})
TODAY = "today"


def _in_language(vi: str, en: str) -> str:
    """Vietnamese unless English is the active language and the text is given in English."""
    return en if en and (get_language() or "vi").startswith("en") else vi


@dataclass(frozen=True)
class Choice:
    value: str
    label_vi: str
    label_en: str = ""

    @property
    def label(self) -> str:
        return _in_language(self.label_vi, self.label_en)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label_vi: str
    label_en: str = ""
    required: bool = False
    max_length: int | None = None
    help_vi: str = ""
    help_en: str = ""
    choices: tuple[Choice, ...] = ()
    min: Any = None  # number: an integer; date: an ISO date or "today"
    max: Any = None
    prefill: str = ""  # a fact of the population database (PREFILL_TYPES), or ""

    @property
    def label(self) -> str:
        return _in_language(self.label_vi, self.label_en)

    @property
    def help(self) -> str:
        return _in_language(self.help_vi, self.help_en)

    def choice_label(self, value: Any) -> str:
        return next((c.label for c in self.choices if c.value == value), str(value))


@dataclass(frozen=True)
class Section:
    fields: tuple[Field, ...]
    title_vi: str = ""
    title_en: str = ""

    @property
    def title(self) -> str:
        return _in_language(self.title_vi, self.title_en)


@dataclass(frozen=True)
class EForm:
    sections: tuple[Section, ...]
    title_vi: str = ""
    title_en: str = ""

    @property
    def title(self) -> str:
        return _in_language(self.title_vi, self.title_en)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)


class SchemaError(ValueError):
    """An e-form document that cannot be used; `errors` has one message per problem, each
    naming where it is (e.g. `sections[1].fields[2].type`)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class FieldError(ValueError):
    """A value refused by its field; the message is for the person who typed it."""


# --- reading a document ------------------------------------------------------------------


def parse(raw: Any) -> EForm:
    """The e-form a document describes, or SchemaError listing every problem."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        raise SchemaError([_("An e-form is a JSON object with “sections” (or “fields”).")])
    for key in sorted(set(raw) - FORM_KEYS):
        errors.append(_("%(where)s: unknown key (a typo?).") % {"where": key})
    title_vi, title_en = _texts(raw, "", errors)
    if ("sections" in raw) == ("fields" in raw):
        errors.append(_("Give either “sections” (a list of parts, each with its “fields”) or "
                        "“fields”, not both and not neither."))
        raise SchemaError(errors)
    raw_sections = raw["sections"] if "sections" in raw else [{"fields": raw["fields"]}]
    where = "sections" if "sections" in raw else ""
    if not isinstance(raw_sections, list) or not raw_sections:
        errors.append(_("%(where)s: a list of at least one part is expected.")
                      % {"where": where or "fields"})
        raise SchemaError(errors)
    sections: list[Section] = []
    names: set[str] = set()
    for i, raw_section in enumerate(raw_sections, 1):
        at = f"sections[{i}]" if where else ""
        section = _parse_section(raw_section, at, names, errors)
        if section is not None:
            sections.append(section)
    if sum(len(s.fields) for s in sections) > MAX_FIELDS:
        errors.append(_("An e-form has at most %(n)d fields.") % {"n": MAX_FIELDS})
    if errors:
        raise SchemaError(errors)
    return EForm(tuple(sections), title_vi, title_en)


def _join(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


def _texts(raw: dict[str, Any], at: str, errors: list[str], *, prefix: str = "title",
           required: bool = False) -> tuple[str, str]:
    values = []
    for lang in ("vi", "en"):
        key = f"{prefix}_{lang}"
        value = raw.get(key, "")
        if not isinstance(value, str):
            errors.append(_("%(where)s: text expected.") % {"where": _join(at, key)})
            value = ""
        values.append(" ".join(value.split()) if prefix != "help" else value.strip())
    if required and not values[0]:
        errors.append(_("%(where)s: missing.") % {"where": _join(at, f"{prefix}_vi")})
    return values[0], values[1]


def _parse_section(raw: Any, at: str, names: set[str], errors: list[str]) -> Section | None:
    if not isinstance(raw, dict):
        errors.append(_("%(where)s: an object with “fields” is expected.") % {"where": at})
        return None
    for key in sorted(set(raw) - SECTION_KEYS):
        errors.append(_("%(where)s: unknown key (a typo?).") % {"where": _join(at, key)})
    title_vi, title_en = _texts(raw, at, errors)
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        errors.append(_("%(where)s: a list of at least one field is expected.")
                      % {"where": _join(at, "fields")})
        return None
    fields = []
    for j, raw_field in enumerate(raw_fields, 1):
        field = _parse_field(raw_field, _join(at, f"fields[{j}]"), errors)
        if field is None:
            continue
        if field.name in names:
            errors.append(_("%(where)s: the name “%(name)s” is used twice.")
                          % {"where": _join(at, f"fields[{j}].name"), "name": field.name})
        names.add(field.name)
        fields.append(field)
    return Section(tuple(fields), title_vi, title_en)


def _parse_field(raw: Any, at: str, errors: list[str]) -> Field | None:
    before = len(errors)
    if not isinstance(raw, dict):
        errors.append(_("%(where)s: an object with name, type and label_vi is expected.")
                      % {"where": at})
        return None
    for key in sorted(set(raw) - FIELD_KEYS):
        errors.append(_("%(where)s: unknown key (a typo?).") % {"where": _join(at, key)})
    name, kind = raw.get("name"), raw.get("type")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(_("%(where)s: %(value)r is not a field name of lower-case letters, digits "
                        "and “_”, starting with a letter, at most 50 characters.")
                      % {"where": _join(at, "name"), "value": name})
    if kind not in FIELD_TYPES:
        errors.append(_("%(where)s: %(value)r is not one of %(allowed)s.")
                      % {"where": _join(at, "type"), "value": kind,
                         "allowed": ", ".join(FIELD_TYPES)})
    label_vi, label_en = _texts(raw, at, errors, prefix="label", required=True)
    help_vi, help_en = _texts(raw, at, errors, prefix="help")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        errors.append(_("%(where)s: true or false expected.") % {"where": _join(at, "required")})
    max_length = _max_length(raw, kind, at, errors)
    choices = _choices(raw, kind, at, errors)
    low, high = _bounds(raw, kind, at, errors)
    prefill = raw.get("prefill", "")
    if prefill and (prefill not in PREFILL_TYPES or kind not in PREFILL_TYPES[prefill]):
        errors.append(_("%(where)s: %(value)r is not a fact of the population database that a "
                        "field of this type takes (%(allowed)s).") % {
            "where": _join(at, "prefill"), "value": prefill,
            "allowed": ", ".join(k for k, types in PREFILL_TYPES.items() if kind in types)
            or "—"})
    if len(errors) > before:
        return None
    return Field(name=str(name), type=str(kind), label_vi=label_vi, label_en=label_en,
                 required=required, max_length=max_length, help_vi=help_vi, help_en=help_en,
                 choices=choices, min=low, max=high, prefill=str(prefill or ""))


def _max_length(raw: dict[str, Any], kind: Any, at: str, errors: list[str]) -> int | None:
    if kind not in TEXT_LIMITS:
        if "max_length" in raw:
            errors.append(_("%(where)s: only text and textarea fields take a maximum length.")
                          % {"where": _join(at, "max_length")})
        return None
    default, most = TEXT_LIMITS[kind]
    value = raw.get("max_length", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        errors.append(_("%(where)s: a whole number from 1 to %(most)d expected.")
                      % {"where": _join(at, "max_length"), "most": most})
        return None
    return int(value)


def _choices(raw: dict[str, Any], kind: Any, at: str, errors: list[str]) -> tuple[Choice, ...]:
    where = _join(at, "choices")
    if kind != SELECT:
        if "choices" in raw:
            errors.append(_("%(where)s: only select fields take choices.") % {"where": where})
        return ()
    items = raw.get("choices")
    if not isinstance(items, list) or not items or len(items) > MAX_CHOICES:
        errors.append(_("%(where)s: a list of 1 to %(n)d choices is expected.")
                      % {"where": where, "n": MAX_CHOICES})
        return ()
    choices, seen = [], set()
    for k, item in enumerate(items, 1):
        here = f"{where}[{k}]"
        if not isinstance(item, dict) or set(item) - {"value", "label_vi", "label_en"}:
            errors.append(_("%(where)s: an object with value, label_vi and label_en is "
                            "expected.") % {"where": here})
            continue
        value = item.get("value")
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            errors.append(_("%(where)s: a value of 1 to 100 characters is expected.")
                          % {"where": _join(here, "value")})
            continue
        if value in seen:
            errors.append(_("%(where)s: the value “%(value)s” is used twice.")
                          % {"where": _join(here, "value"), "value": value})
        seen.add(value)
        label_vi, label_en = _texts(item, here, errors, prefix="label", required=True)
        choices.append(Choice(value, label_vi, label_en))
    return tuple(choices)


def _bounds(raw: dict[str, Any], kind: Any, at: str, errors: list[str]) -> tuple[Any, Any]:
    bounds: list[Any] = []
    for key in ("min", "max"):
        value = raw.get(key)
        where = _join(at, key)
        if value is None:
            bounds.append(None)
        elif kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int) \
                    or abs(value) > NUMBER_LIMIT:
                errors.append(_("%(where)s: a whole number expected.") % {"where": where})
            bounds.append(value)
        elif kind == DATE:
            if value != TODAY and _iso_date(value) is None:
                errors.append(_("%(where)s: a date YYYY-MM-DD or “today” expected.")
                              % {"where": where})
            bounds.append(value)
        else:
            errors.append(_("%(where)s: only number and date fields take min and max.")
                          % {"where": where})
            bounds.append(None)
    low, high = bounds
    if kind == NUMBER and isinstance(low, int) and isinstance(high, int) and low > high:
        errors.append(_("%(where)s: min is greater than max.") % {"where": at})
    return low, high


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) \
            else None
    except ValueError:
        return None


def of(eform_schema: Any) -> EForm | None:
    """The e-form of a component's stored document; None without one. The admin and the
    importer refuse a bad document, so one that does not parse here was written around them:
    it is treated as no e-form (the declaration is then uploaded) rather than failing pages."""
    if not eform_schema:
        return None
    try:
        return parse(eform_schema)
    except SchemaError:
        return None


# --- checking values ---------------------------------------------------------------------

CommuneExists = Callable[[str], bool]


def blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def clean_value(field: Field, value: Any, *, today: dt.date,
                commune_exists: CommuneExists | None = None) -> Any:
    """The value to store for `field` (None when left empty), or FieldError saying what is
    wrong. `value` is as typed in a page (text) or sent to the API (JSON)."""
    if field.type == CHECKBOX:
        ticked = _checkbox(value)
        if field.required and not ticked:
            raise FieldError(_("Tick “%(label)s”.") % {"label": field.label})
        return ticked
    if blank(value):
        if field.required:
            raise FieldError((_("Choose “%(label)s”.") if field.type in (SELECT, COMMUNE)
                              else _("Enter “%(label)s”.")) % {"label": field.label})
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(_("“%(label)s” must be text.") % {"label": field.label})
    text = str(value).strip()
    return CLEANERS[field.type](field, text, today, commune_exists)


def _checkbox(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", 0, "0", "false", "off"):
        return False
    if value in (1, "1", "true", "on"):
        return True
    raise FieldError(_("Tick the box or leave it empty."))


def _text(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> str:
    try:
        text = clean_human_text(text)
    except UnfitText as exc:
        raise FieldError(str(UNFIT_MESSAGES[exc.code])) from None
    if field.type == TEXT:
        text = " ".join(text.split())
    if field.max_length is not None and len(text) > field.max_length:
        raise FieldError(_("“%(label)s” has at most %(n)d characters (it has %(count)d).")
                         % {"label": field.label, "n": field.max_length, "count": len(text)})
    return text


def _national_id(field: Field, text: str, today: dt.date,
                 _communes: CommuneExists | None) -> str:
    try:
        return validate_personal_id(text, today=today).number
    except InvalidIdentifier as exc:
        raise FieldError(exc.message) from None


def _phone(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> str:
    if not PHONE_RE.match(text):
        raise FieldError(_("Enter a phone number of 8 to 20 digits, for example 0912 345 678."))
    return text


def _email(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise FieldError(_("Enter an email address like name@example.com.")) from None
    return text


def _date(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> str:
    day = _iso_date(text)
    if day is None and (match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)):
        try:
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            day = None
    if day is None:
        raise FieldError(_("“%(label)s” must be a real date, for example 25/12/2020.")
                         % {"label": field.label})
    low, high = (_bound_day(b, today) for b in (field.min, field.max))
    if low is not None and day < low:
        raise FieldError(_("“%(label)s” cannot be before %(date)s.")
                         % {"label": field.label, "date": low.strftime("%d/%m/%Y")})
    if high is not None and day > high:
        raise FieldError((_("“%(label)s” cannot be in the future.") if field.max == TODAY
                          else _("“%(label)s” cannot be after %(date)s."))
                         % {"label": field.label, "date": high.strftime("%d/%m/%Y")})
    return day.isoformat()


def _bound_day(bound: Any, today: dt.date) -> dt.date | None:
    return today if bound == TODAY else _iso_date(bound)


def _number(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> int:
    if not re.fullmatch(r"-?[0-9]{1,13}", text):
        raise FieldError(_("“%(label)s” must be a whole number, without dots or commas.")
                         % {"label": field.label})
    number = int(text)
    if field.min is not None and number < field.min:
        raise FieldError(_("“%(label)s” must be at least %(n)d.")
                         % {"label": field.label, "n": field.min})
    if field.max is not None and number > field.max:
        raise FieldError(_("“%(label)s” must be at most %(n)d.")
                         % {"label": field.label, "n": field.max})
    return number


def _select(field: Field, text: str, today: dt.date, _communes: CommuneExists | None) -> str:
    if text not in {c.value for c in field.choices}:
        raise FieldError(_("Choose one of the answers offered for “%(label)s”.")
                         % {"label": field.label})
    return text


def _commune(field: Field, text: str, today: dt.date, communes: CommuneExists | None) -> str:
    if not COMMUNE_CODE_RE.match(text) or (communes is not None and not communes(text)):
        raise FieldError(_("Choose the commune or ward of “%(label)s” from the list.")
                         % {"label": field.label})
    return text


CLEANERS: dict[str, Callable[[Field, str, dt.date, CommuneExists | None], Any]] = {
    TEXT: _text, TEXTAREA: _text, NATIONAL_ID: _national_id, PHONE: _phone, EMAIL: _email,
    DATE: _date, NUMBER: _number, SELECT: _select, COMMUNE: _commune,
}


def clean(form: EForm, data: Mapping[str, Any], *, today: dt.date,
          commune_exists: CommuneExists | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """(values to store, errors by field name). Values left empty are not stored, but a
    checkbox always is (true or false)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in form.fields:
        try:
            value = clean_value(field, data.get(field.name), today=today,
                                commune_exists=commune_exists)
        except FieldError as exc:
            errors[field.name] = str(exc)
            continue
        if value is not None:
            values[field.name] = value
    return values, errors


def display(field: Field, value: Any) -> str:
    """A stored value as people read it (the commune's name is the caller's to find)."""
    if field.type == CHECKBOX:
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return ""
    if field.type == SELECT:
        return field.choice_label(value)
    if field.type == DATE and (day := _iso_date(value)) is not None:
        return day.strftime("%d/%m/%Y")
    if field.type == NUMBER and isinstance(value, int):
        # 1.200 in Vietnamese, 1,200 in English (Django's Vietnamese format has no grouping)
        return numberformat.format(value, get_format("DECIMAL_SEPARATOR"), grouping=3,
                                   thousand_sep=get_format("THOUSAND_SEPARATOR"),
                                   force_grouping=True)
    return str(value)
