"""The national registries used by the procedures that need them: businesses (by tax code),
civil status (births, marriages, deaths) and judicial records (by ID number).

One interface per registry (a Protocol), the HTTP implementation of the sandbox's by default
(settings.NATIONAL_ADAPTERS), and one function per lookup that validates the number, asks, and
logs the exchange whatever the outcome (as `population.lookup_person`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from motcua.integration import exchange_log
from motcua.integration.adapters import LookupRefused, adapter, get_json
from motcua.integration.exchange_log import Exchange, Outcome
from motcua.integration.http import NationalSystemUnavailable
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id, validate_tax_code
from motcua.org.models import User

T = TypeVar("T")


@dataclass(frozen=True)
class BusinessRecord:
    tax_code: str
    name: str
    kind: str
    address: str
    commune_code: str
    registered_on: dt.date
    status: str
    representative_id_number: str
    representative_name: str


@dataclass(frozen=True)
class CivilStatusEntry:
    kind: str  # birth / marriage / death
    registered_on: dt.date
    authority: str
    book_number: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Conviction:
    court: str
    judgment: str
    judged_on: dt.date
    offence: str
    sentence: str
    expunged: bool


@dataclass(frozen=True)
class JudicialRecord:
    id_number: str
    full_name: str
    has_convictions: bool  # convictions not expunged
    convictions: tuple[Conviction, ...]


class BusinessRegistry(Protocol):
    def business(self, tax_code: str, *, purpose: str) -> BusinessRecord | None: ...


class CivilStatusRegistry(Protocol):
    def entries(self, id_number: str, *, purpose: str) -> list[CivilStatusEntry] | None: ...


class JudicialRecords(Protocol):
    def record(self, id_number: str, *, purpose: str) -> JudicialRecord | None: ...


def _shape(system: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except (KeyError, TypeError, ValueError) as exc:
        raise NationalSystemUnavailable(system, f"answered an unexpected shape ({exc})") from None


class HttpBusinessRegistry:
    def business(self, tax_code: str, *, purpose: str) -> BusinessRecord | None:
        body = get_json("business", f"/business/enterprises/{tax_code}", purpose)
        if body is None:
            return None
        return _shape("business", lambda: BusinessRecord(
            tax_code=str(body["tax_code"]), name=str(body["name"]), kind=str(body["kind"]),
            address=str(body["address"]), commune_code=str(body["commune"]["code"]),
            registered_on=dt.date.fromisoformat(body["registered_on"]),
            status=str(body["status"]),
            representative_id_number=str(body["representative"]["id_number"]),
            representative_name=str(body["representative"]["full_name"])))


class HttpCivilStatusRegistry:
    def entries(self, id_number: str, *, purpose: str) -> list[CivilStatusEntry] | None:
        body = get_json("civil_status", f"/civil-status/citizens/{id_number}", purpose)
        if body is None:
            return None
        return _shape("civil_status", lambda: [CivilStatusEntry(
            kind=str(e["kind"]), registered_on=dt.date.fromisoformat(e["registered_on"]),
            authority=str(e["authority"]), book_number=str(e["book_number"]),
            details=dict(e.get("details") or {})) for e in body["records"]])


class HttpJudicialRecords:
    def record(self, id_number: str, *, purpose: str) -> JudicialRecord | None:
        body = get_json("judicial", f"/judicial/citizens/{id_number}", purpose)
        if body is None:
            return None
        return _shape("judicial", lambda: JudicialRecord(
            id_number=str(body["id_number"]), full_name=str(body["full_name"]),
            has_convictions=bool(body["has_convictions"]),
            convictions=tuple(Conviction(
                court=str(r["court"]), judgment=str(r["judgment"]),
                judged_on=dt.date.fromisoformat(r["judged_on"]), offence=str(r["offence"]),
                sentence=str(r["sentence"]), expunged=bool(r["expunged"]))
                for r in body["records"])))


def _logged(exchange: Exchange, ask: Callable[[], T | None]) -> T | None:
    try:
        found = ask()
    except NationalSystemUnavailable:
        exchange_log.record(exchange, Outcome.UNAVAILABLE)
        raise
    except LookupRefused:
        exchange_log.record(exchange, Outcome.REFUSED)
        raise InvalidIdentifier(_("The registry refused this number."), "refused") from None
    exchange_log.record(exchange, Outcome.NOT_FOUND if found is None else Outcome.FOUND)
    return found


def lookup_business(tax_code: str, *, purpose: str, officer: User | None = None,
                    account: User | None = None, dossier_code: str = "") -> BusinessRecord | None:
    number = validate_tax_code(tax_code).base
    exchange = Exchange(system="business", operation="business",
                        data="name, kind, address, registration, legal representative",
                        purpose=purpose, officer=officer, account=account, tax_code=number,
                        dossier_code=dossier_code)
    return _logged(exchange, lambda: adapter("business").business(number, purpose=purpose))


def lookup_civil_status(id_number: str, *, purpose: str, officer: User | None = None,
                        account: User | None = None, dossier_code: str = ""
                        ) -> list[CivilStatusEntry] | None:
    validate_personal_id(id_number)
    exchange = Exchange(system="civil_status", operation="entries",
                        data="births, marriages and deaths registered", purpose=purpose,
                        officer=officer, account=account, id_number=id_number,
                        dossier_code=dossier_code)
    return _logged(exchange, lambda: adapter("civil_status").entries(id_number, purpose=purpose))


def lookup_judicial_record(id_number: str, *, purpose: str, officer: User | None = None,
                           account: User | None = None, dossier_code: str = ""
                           ) -> JudicialRecord | None:
    validate_personal_id(id_number)
    exchange = Exchange(system="judicial", operation="record",
                        data="convictions (judicial record)", purpose=purpose,
                        officer=officer, account=account, id_number=id_number,
                        dossier_code=dossier_code)
    return _logged(exchange, lambda: adapter("judicial").record(id_number, purpose=purpose))
