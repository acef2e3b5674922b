"""The national population database: a person by their 12-digit ID number.

`lookup_person` is what pages call: it validates the number, asks the adapter chosen by
settings (`PopulationDatabase`; the sandbox's over HTTP by default), and logs the exchange
(who asked, about whom, which data, why), whatever the outcome. It raises
NationalSystemUnavailable when the database does not answer in NATIONAL_WAIT_SECONDS: the page
says so and lets the officer enter the applicant by hand.

`eform_values` turns a person into the answers of an e-form's fields that say what they take
from the population database (catalog.eforms, `prefill`), as a person types them in a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.integration import exchange_log
from motcua.integration.adapters import LookupRefused, adapter, get_json
from motcua.integration.exchange_log import Exchange, Outcome
from motcua.integration.http import NationalSystemUnavailable
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id
from motcua.org.models import User

SYSTEM = "population"
DATA = "full name, date of birth, sex, permanent and current residence, household"


@dataclass(frozen=True)
class HouseholdMember:
    id_number: str
    full_name: str
    relation_to_head: str


@dataclass(frozen=True)
class PersonRecord:
    id_number: str
    full_name: str
    birth_date: dt.date
    sex: str  # "male" / "female"
    permanent_address: str
    permanent_commune_code: str
    current_address: str
    current_commune_code: str
    household_code: str = ""
    relation_to_head: str = ""
    household: tuple[HouseholdMember, ...] = field(default=())


class PopulationDatabase(Protocol):
    def person(self, id_number: str, *, purpose: str) -> PersonRecord | None:
        """The person, None if unknown; NationalSystemUnavailable if it does not answer."""


def _person(body: dict[str, Any]) -> PersonRecord:
    try:
        permanent, current = body["permanent_residence"], body["current_residence"]
        household = body.get("household") or {}
        return PersonRecord(
            id_number=str(body["id_number"]), full_name=str(body["full_name"]),
            birth_date=dt.date.fromisoformat(str(body["birth_date"])), sex=str(body["sex"]),
            permanent_address=str(permanent["address"]),
            permanent_commune_code=str(permanent["commune"]["code"]),
            current_address=str(current["address"]),
            current_commune_code=str(current["commune"]["code"]),
            household_code=str(household.get("code", "")),
            relation_to_head=str(household.get("relation_to_head", "")),
            household=tuple(HouseholdMember(str(m["id_number"]), str(m["full_name"]),
                                            str(m["relation_to_head"]))
                            for m in household.get("members", ())))
    except (KeyError, TypeError, ValueError) as exc:
        raise NationalSystemUnavailable(SYSTEM, f"answered an unexpected shape ({exc})") from None


class HttpPopulationDatabase:
    """The population database behind the data-sharing platform (the sandbox's by default)."""

    def person(self, id_number: str, *, purpose: str) -> PersonRecord | None:
        body = get_json(SYSTEM, f"/population/citizens/{id_number}", purpose)
        return None if body is None else _person(body)


def lookup_person(id_number: str, *, purpose: str, officer: User | None = None,
                  account: User | None = None, dossier_code: str = "") -> PersonRecord | None:
    """The person with this ID number, None if the database does not know them. Raises
    InvalidIdentifier for a malformed number (nothing is asked) and NationalSystemUnavailable
    when the database does not answer; every question asked is logged."""
    validate_personal_id(id_number)
    exchange = Exchange(system=SYSTEM, operation="person", data=DATA, purpose=purpose,
                        officer=officer, account=account, id_number=id_number,
                        dossier_code=dossier_code)
    try:
        found: PersonRecord | None = adapter(SYSTEM).person(id_number, purpose=purpose)
    except NationalSystemUnavailable:
        exchange_log.record(exchange, Outcome.UNAVAILABLE)
        raise
    except LookupRefused:
        exchange_log.record(exchange, Outcome.REFUSED)
        raise InvalidIdentifier(_("The population database refused this ID number."),
                                "personal_id_format") from None
    exchange_log.record(exchange, Outcome.FOUND if found else Outcome.NOT_FOUND)
    return found


# The choice values of a "sex" select that mean each of the database's values.
SEX_CHOICES = {"male": ("nam", "male", "m"), "female": ("nu", "nữ", "female", "f")}


def eform_values(fields: Iterable[eforms.Field], person: PersonRecord) -> dict[str, str]:
    """The answers the person's record gives to the fields with a `prefill`, by field name,
    as typed in a page (a date as dd/mm/yyyy, a sex as the field's own choice, a commune as
    its code); a fact the field cannot take (no matching choice) is left out."""
    facts = {
        "full_name": person.full_name, "birth_date": person.birth_date.strftime("%d/%m/%Y"),
        "id_number": person.id_number, "permanent_address": person.permanent_address,
        "current_address": person.current_address,
        "permanent_commune": person.permanent_commune_code,
        "current_commune": person.current_commune_code,
    }
    values: dict[str, str] = {}
    for spec in fields:
        if spec.prefill == "sex":
            wanted = SEX_CHOICES.get(person.sex, ())
            choice = next((c.value for c in spec.choices if c.value.lower() in wanted), None)
            if choice is not None:
                values[spec.name] = choice
        elif spec.prefill and facts.get(spec.prefill):
            values[spec.name] = facts[spec.prefill]
    return values
